package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
)

// TestUserCommand: `paydeck user --role customer` demotes an admin and
// `--delete` deletes one; either way their sessions end at once (issue
// 12, findings 3 and 4).
func TestUserCommand(t *testing.T) {
	t.Parallel()
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			env := e.env(t)
			env["PAYDECK_DATA_DIR"] = t.TempDir()
			for _, email := range []string{"boss@shop.kr", "temp@shop.kr"} {
				out, err := runCommand(t, env, "", "createadmin", "--email", email, "--password", "a long admin password")
				require.NoError(t, err, out)
			}
			db := openForCheck(t, env)
			accounts, err := account.New(account.Config{Store: db})
			require.NoError(t, err)
			session := func(email string) string {
				var u *paydeck.User
				require.NoError(t, db.View(t.Context(), func(tx paydeck.Tx) (err error) {
					u, err = tx.FindUserByEmail(t.Context(), email)
					return err
				}))
				secret, _, err := accounts.StartSession(t.Context(), u, paydeck.SessionWeb)
				require.NoError(t, err)
				return secret
			}
			boss, temp := session("boss@shop.kr"), session("temp@shop.kr")

			out, err := runCommand(t, env, "", "user", "--email", "Boss@Shop.kr", "--role", "customer")
			require.NoError(t, err)
			require.Contains(t, out, "user boss@shop.kr is now customer; their sessions ended")
			_, err = accounts.SessionUser(t.Context(), paydeck.SessionWeb, boss)
			require.ErrorIs(t, err, account.ErrNoSession)
			u, err := accounts.SessionUser(t.Context(), paydeck.SessionWeb, temp)
			require.NoError(t, err, "other accounts keep their sessions")
			require.Equal(t, paydeck.RoleAdmin, u.Role)

			out, err = runCommand(t, env, "", "user", "--email", "temp@shop.kr", "--delete")
			require.NoError(t, err)
			require.Contains(t, out, "user temp@shop.kr deleted")
			_, err = accounts.SessionUser(t.Context(), paydeck.SessionWeb, temp)
			require.ErrorIs(t, err, account.ErrNoSession)

			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--role", "admin"}, "user: --email is required"},
				{[]string{"--email", "boss@shop.kr"}, "user: give exactly one of --role and --delete"},
				{[]string{"--email", "boss@shop.kr", "--role", "admin", "--delete"}, "user: give exactly one of --role and --delete"},
				{[]string{"--email", "boss@shop.kr", "--role", "root"}, "user: --role must be admin or customer"},
				{[]string{"--email", "nobody@shop.kr", "--delete"}, "user: no user with email nobody@shop.kr"},
			} {
				_, err := runCommand(t, env, "", append([]string{"user"}, tc.args...)...)
				require.EqualError(t, err, tc.want)
			}

		})
	}
}
