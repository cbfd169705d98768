talon 1
vendor "v" { token env("T") tols "v_*" }
agent "a" {
  mode intercpt
  upstrem "https://x"
  posture read_only
  forbid tool t when args.x = 1 and args.y or not args.z
  grant anyone reed on t
  approve tool t when args.a > 5
  @id("x") mode intercept
}
policy "b" { }
gateway "llm" { provider openai { upstream "https://api.openai.com" } }
forbid tool x
const c = [1, 2
team t { members "a" }
