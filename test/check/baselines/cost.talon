talon 1
# TAL0902: an expression whose worst-case cost under the agent's input caps exceeds the budget.
const allowed = ["a", "b", "c"]
vendor "v" { token env("V") }
agent "a" {
  upstream "https://x"
  require_listed false
  tool t { class read }
  grant vendor "v" read on t
  forbid tool t when args.tags.exists(x, x in allowed)
  forbid tool t when args.tags.exists(x, x == args.owner)
  forbid tool t when args.a.exists(x, args.b.exists(y, x == y))
  block response when detect(response, private_key, jwt)
  idempotent tool t key args.a.all(x, args.b.exists(y, y.id == x.id)) ?? "none" window 1m
}
agent "capped" {
  upstream "https://y"
  require_listed false
  limits { max_elements 100  max_message 64KiB }
  tool t { class read }
  grant vendor "v" read on t
  forbid tool t when args.a.exists(x, args.b.exists(y, x == y))
}
