talon 1
secret k = "literal-secret"
vendor "v" { token env("A")  token env("B") }
agent "a" {
  posture read_only
  posture read_write
  compliance { frameworks gdpr  frameworks nis2 }
  tool t { class read  class rw }
  approve tool t by team ops { hold  defer  quorum 1.5 }
  limit rate 5 per 1m by callr
}
