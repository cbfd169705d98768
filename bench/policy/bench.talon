talon 1
## Benchmark policy: the fast upstream's one tool (bench/upstream) behind one vendor.
## bench/run.ts copies this file to a temp dir and rewrites the `upstream` line with the real
## port (or a stdio command) before building; the port here is only a placeholder.
## bench/suites/decide.ts builds it as is and checks the three decisions below before timing.

secret redaction_key = env("TALON_BENCH_REDACTION_KEY")

vendor "bench-vendor" { token env("TALON_BENCH_TOKEN")  tools "ticket_*" }

agent "bench" {
  mode intercept  posture read_only
  upstream "http://127.0.0.1:9/mcp"

  # allowed: exposed, inside the vendor's boundary, granted
  tool ticket_search { class read }
  @id("bench-grant")
  grant vendor "bench-vendor" read on ticket_search

  # forbidden by glob: e.g. admin_purge
  @id("bench-forbid") @reason("admin tools are never exposed to vendors")
  forbid tool "admin_*"

  # unexposed: any other name, e.g. secret_export, falls to default:not_exposed

  # the result's PII, so that Talon's redaction is part of what is measured
  @id("bench-email") redact tickets[*].requester.email with hash in result
  @id("bench-phone") redact tickets[*].requester.phone with mask_middle in result
}
