talon 1
## Seed 002's Zendesk vendor proxy, runnable: a third-party AI vendor reaches our help desk only
## through Talon. The upstream is the example server in upstream/ (stdio, one child per session).
## `npm start` builds this file and serves it on 127.0.0.1:8080/mcp.

## Keys the `hash` redaction (HMAC-SHA256), so hashed emails cannot be reversed by guessing.
secret redaction_key = env("TALON_REDACTION_KEY")
detector seed_phone { pattern /(\+?\d{1,3}[-.\s]?)?\d{9,15}/ }

vendor "zendesk-ai-agent" { token env("ZENDESK_AI_TOKEN")  tools "zendesk_*" }
vendor "intercom" { token env("INTERCOM_TOKEN")  tools "intercom_*" }

agent "zendesk-vendor-proxy" {
  mode intercept
  posture read_write
  ## Base64 blobs (images, files) cannot be inspected for PII, so they never reach the vendor.
  blobs drop
  upstream stdio ["node", "upstream/server.mjs"] vendor "zendesk"

  tool zendesk_ticket_search -> "ticket_search" { class read }
  tool zendesk_ticket_read -> "get_ticket" { class read }
  tool zendesk_ticket_update -> "update_ticket" { class write }

  @id("zd-forbidden") @reason("destructive or bulk operation")
  forbid tool zendesk_user_delete, zendesk_export_all, "zendesk_admin_*"

  @id("zd-vendor")
  grant vendor "zendesk-ai-agent" read, write on "zendesk_ticket_*"

  ## Seed 002's `requests_per_minute: 100, burst: 20` for the vendor (LANGUAGE.md 8.3).
  @id("zd-rate")
  limit rate 100 per 1m burst 20 by vendor
  ## A retried update (same vendor, same arguments) within 10 minutes gets the first call's
  ## (redacted) result again instead of updating the ticket twice.
  @id("zd-idem")
  idempotent tool zendesk_ticket_update window 10m on_duplicate replay

  ## PII redaction (LANGUAGE.md 8.1), in every scope: arguments before they reach the upstream,
  ## results (structuredContent and its text mirror) before they reach the vendor, and so in
  ## evidence too. Search answers {tickets: [...]}, read and update answer {ticket: {...}}.
  @id("zd-email") redact requester.email, tickets[*].requester.email, ticket.requester.email with hash
  @id("zd-phone") redact requester.phone, tickets[*].requester.phone, ticket.requester.phone with mask_middle
  @id("zd-desc") redact description, tickets[*].description, ticket.description matching seed_phone with mask

  ## Urgent or expensive updates wait for a support lead. An `impact` left out makes the
  ## condition unknown, which fires the rule (omitting a field must not skip oversight). The
  ## call is held open while it waits (with progress notifications when the client sent a
  ## progress token) and denied after 15 minutes without a decision.
  @id("zd-oversight")
  approve tool zendesk_ticket_update when args.priority == "urgent" || args.impact > 500
    by team approvers { timeout 15m  on_timeout deny  hold }

  compliance { frameworks gdpr, nis2  audit_retention 365d }
  evidence { capture requests, responses, redactions, decisions, approvals }

  test "admin tools forbidden" {
    call zendesk_admin_purge as "zendesk-ai-agent"
    expect deny by "zd-forbidden"
  }
  test "wrong token scope" {
    call zendesk_ticket_read as "intercom" with { id: 45231 }
    expect deny by default
  }
  test "urgent needs approval" {
    call zendesk_ticket_update as "zendesk-ai-agent" with { id: 45234, priority: "urgent", impact: 0 }
    expect approval by team approvers
  }
  test "routine update" {
    call zendesk_ticket_update as "zendesk-ai-agent" with { id: 45234, priority: "low", impact: 3 }
    expect allow
  }
  test "missing impact" {
    call zendesk_ticket_update as "zendesk-ai-agent" with { id: 45234, priority: "low" }
    expect approval by "zd-oversight"
  }
  ## Ticket 45231 as upstream/ returns it: the seed's example, with a phone number in its text.
  test "results redacted" {
    call zendesk_ticket_search as "zendesk-ai-agent" with { query: "eSIM activation issue" }
    returns { tickets: [{ id: 45231, subject: "eSIM activation issue",
          description: "The eSIM QR code fails with error 0x51. Please call me back at +34 699111222 after 18:00.",
          requester: { id: "u-1004", name: "Jordi Puig", email: "customer@example.com", phone: "+34 699 111 222" } }],
      count: 1 }
    expect result.tickets[0].requester.email matches /^sha256:[0-9a-f]{64}$/
    expect result.tickets[0].requester.phone == "+34 6XX XXX 222"
    expect result.tickets[0].description == "The eSIM QR code fails with error 0x51. Please call me back at +XX XXXXXXXXX after 18:00."
    expect result.tickets[0].requester.name == "Jordi Puig"
  }
}

team approvers { approvers "support-lead@acme.example" }
