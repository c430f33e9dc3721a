package fins

// commands names the FINS command codes (MRC, SRC) of the FINS Commands
// Reference Manual (OMRON W227, section 5 "FINS Commands"; W342 for
// CS/CJ), in the snake-case spelling of the OsecT parser with its typos
// corrected.
var commands = map[uint16]string{
	0x0101: "memory_area_read", 0x0102: "memory_area_write", 0x0103: "memory_area_fill",
	0x0104: "multiple_memory_area_read", 0x0105: "memory_area_transfer",
	0x0110: "composite_registration_read", 0x0111: "register_composite_read",
	0x0201: "parameter_area_read", 0x0202: "parameter_area_write", 0x0203: "parameter_area_clear",
	0x0220: "data_link_table_read", 0x0221: "data_link_table_write",
	0x0304: "program_area_protect", 0x0305: "program_area_protect_clear",
	0x0306: "program_area_read", 0x0307: "program_area_write", 0x0308: "program_area_clear",
	0x0401: "run", 0x0402: "stop", 0x0403: "reset",
	0x0501: "controller_data_read", 0x0502: "connection_data_read",
	0x0601: "controller_status_read", 0x0602: "network_status_read",
	0x0603: "data_link_status_read", 0x0620: "cycle_time_read",
	0x0701: "clock_read", 0x0702: "clock_write",
	0x0801: "loop-back_test/internode_echo_test", 0x0802: "broadcast_test_results_read",
	0x0803: "broadcast_test_data_send",
	0x0920: "message_read/clear",
	0x0C01: "access_right_acquire", 0x0C02: "access_right_forced_acquire", 0x0C03: "access_right_release",
	0x2101: "error_clear", 0x2102: "error_log_read", 0x2103: "error_log_clear",
	0x2140: "fins_write_access_log_read", 0x2141: "fins_write_access_log_clear",
	0x2201: "file_name_read", 0x2202: "single_file_name_read", 0x2203: "single_file_name_write",
	0x2204: "memory_card_format", 0x2205: "file_delete", 0x2206: "volume_label_create/delete",
	0x2207: "file_copy", 0x2208: "file_name_change", 0x2209: "file_data_check",
	0x220A: "memory_area_file_transfer", 0x220B: "parameter_area_file_transfer",
	0x220C: "program_area_file_transfer", 0x220F: "file_memory_index_read",
	0x2210: "file_memory_read", 0x2211: "file_memory_write", 0x2215: "create/delete_directory",
	0x2220: "memory_cassette_transfer",
	0x2301: "forced_set/reset", 0x2302: "forced_set/reset_cancel", 0x230A: "multiple_forced_status_read",
	0x2601: "name_set", 0x2602: "name_delete", 0x2603: "name_read",
	0x2701: "udp_open_request", 0x2702: "udp_receive_request", 0x2703: "udp_send_request",
	0x2704: "udp_close_request", 0x2720: "ping",
	0x2750: "ip_address_table_write", 0x2757: "ip_address_write", 0x2760: "ip_address_table_read",
	0x2761: "ip_router_table_read", 0x2762: "protocol_status_read", 0x2763: "memory_status_read",
	0x2764: "socket_status_read", 0x2765: "address_information_read", 0x2767: "ip_address_read",
	0x2801: "explicit_message_send", 0x2803: "converting_to_CompoWay/F",
	0x2804: "converting_to_Modbus-RTU", 0x2805: "converting_to_Modbus-ASCII",
	0x2810: "cip_ucmm_message_send",
}

// memoryCommands take a memory area specification (area code, address 2
// bytes, bit 1 byte) as the first bytes of their command data.
var memoryCommands = map[uint16]bool{0x0101: true, 0x0102: true, 0x0103: true, 0x0104: true, 0x0105: true}

// areas names memory area codes (W342 section 5-2-2 "Memory Area
// Designations" for CS/CJ-series, W227 for C-series codes where they
// differ).
var areas = [256]string{
	0x30: "CIO bit", 0x31: "WR bit", 0x32: "HR bit", 0x33: "AR bit",
	0x70: "CIO bit forced", 0x71: "WR bit forced", 0x72: "HR bit forced",
	0xB0: "CIO word", 0xB1: "WR word", 0xB2: "HR word", 0xB3: "AR word",
	0xF0: "CIO word forced", 0xF1: "WR word forced", 0xF2: "HR word forced",
	0x09: "TIM/CNT flag", 0x49: "TIM/CNT flag forced", 0x89: "TIM/CNT PV",
	0x02: "DM bit", 0x82: "DM word",
	0x20: "EM0 bit", 0x21: "EM1 bit", 0x22: "EM2 bit", 0x23: "EM3 bit", 0x24: "EM4 bit",
	0x25: "EM5 bit", 0x26: "EM6 bit", 0x27: "EM7 bit", 0x28: "EM8 bit", 0x29: "EM9 bit",
	0x2A: "EMA bit", 0x2B: "EMB bit", 0x2C: "EMC bit",
	0xA0: "EM0 word", 0xA1: "EM1 word", 0xA2: "EM2 word", 0xA3: "EM3 word", 0xA4: "EM4 word",
	0xA5: "EM5 word", 0xA6: "EM6 word", 0xA7: "EM7 word", 0xA8: "EM8 word", 0xA9: "EM9 word",
	0xAA: "EMA word", 0xAB: "EMB word", 0xAC: "EMC word",
	0x0A: "EM current bit", 0x98: "EM current word",
	0x06: "task flag bit", 0x46: "task status",
	0xDC: "index register", 0xBC: "data register", 0x07: "clock pulses/condition flags",
	// C-series codes.
	0x00: "CIO/LR/HR/AR bit (C)", 0x80: "CIO/LR/HR/AR word (C)", 0x01: "TIM/CNT flag (C)",
	0x81: "TIM/CNT PV (C)", 0x90: "EM0 word (C)", 0x91: "EM1 word (C)", 0x92: "EM2 word (C)",
	0x93: "EM3 word (C)", 0x94: "EM4 word (C)", 0x95: "EM5 word (C)", 0x96: "EM6 word (C)",
	0x97: "EM7 word (C)",
}

// endClasses names the main response codes (MRES without its relay-error
// bit) of W227 section 8 "Response Codes".
var endClasses = map[byte]string{
	0x00: "normal completion", 0x01: "local node error", 0x02: "destination node error",
	0x03: "communications controller error", 0x04: "not executable", 0x05: "routing error",
	0x10: "command format error", 0x11: "parameter error", 0x20: "read not possible",
	0x21: "write not possible", 0x22: "not executable in current mode", 0x23: "no such device",
	0x24: "cannot start/stop", 0x25: "unit error", 0x26: "command error",
	0x30: "access right error", 0x40: "abort",
}
