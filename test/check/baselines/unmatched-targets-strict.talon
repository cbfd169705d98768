talon 1
# TAL0502 is an error when the agent's catalog is strict.
vendor "v" { token env("V") }
agent "a" {
  upstream "https://x"
  require_listed false
  catalog "tools.json" strict
  tool t_read { class read }
  grant vendor "v" read on t_read, t_reed
}
