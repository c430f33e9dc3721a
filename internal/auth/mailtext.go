package auth

import (
	"fmt"
	"time"
)

// codeMailBody is the text of the code mail: Japanese first, English
// below, as every message the customer's staff receives.
func codeMailBody(code string, ttl time.Duration) string {
	min := int(ttl / time.Minute)
	return fmt.Sprintf(`otsight へのログイン確認コードをお送りします。

確認コード: %[1]s

このコードの有効期限は%[2]d分間で、1回だけ使用できます。
ログイン画面に入力してください。
お心当たりのない場合は、このメールを破棄し、管理者にご連絡ください。

----

Your otsight login verification code:

Code: %[1]s

It is valid for %[2]d minutes and can be used once.
Enter it on the login page.
If you did not try to log in, discard this message and tell your administrator.
`, code, min)
}
