talon 1
# `require_listed` (LANGUAGE.md §6) is on by default and not enforced by this runtime yet: a
# TAL1101 note wherever it is in effect, none where the policy turns it off.
vendor "v" { token env("V") }
agent "by-default" {
  upstream "https://x"
  tool t { class read }
  grant vendor "v" read on t
}
agent "written" {
  upstream "https://y"
  require_listed true
  tool t { class read }
  grant vendor "v" read on t
}
agent "off" {
  upstream "https://z"
  require_listed false
  tool t { class read }
  grant vendor "v" read on t
}
