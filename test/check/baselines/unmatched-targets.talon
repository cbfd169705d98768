talon 1
# TAL0502: rule targets that reach no exposed tool.
team ops { approvers "o@x" }
vendor "v" { token env("V")  tools "t_*", "nothing_*" }
agent "a" {
  upstream "https://x"
  require_listed false
  posture read_write
  tool t_read { class read }
  tool t_write -> "up_write" { class write }
  tool "fs_*" { class read }
  grant vendor "v" read on t_raed
  grant vendor "v" write on up_write
  grant vendor "v" read on T_READ, "fs_*", "*_read", "fs"
  grant vendor "v" read on "admin_*"
  confirm tool T_WRITE, UP_WRITE, "FS_X*"
  approve tool t_wirte by team ops
  limit rate 5 per 1m on tool "tt_*"
  idempotent tool t_write, fs_log window 1m
  redact x with redact_full on tool fss_read
  block response on tool nope when args.x == 1
  forbid tool t_delete, "admin_*"
  confirm class destructive
}
agent "empty" {
  upstream "https://y"
  require_listed false
  grant vendor "v" read on anything
}
