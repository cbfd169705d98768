talon 1
## Seed 002's Zendesk vendor proxy, runnable: a third-party AI vendor reaches our help desk only
## through Talon. The upstream is the example server in upstream/ (stdio, one child per session).
## `npm start` builds this file and serves it on 127.0.0.1:8080/mcp.

## Keys the `hash` redaction (HMAC-SHA256), so hashed emails cannot be reversed by guessing.
secret redaction_key = env("TALON_REDACTION_KEY")
detector seed_phone { pattern /(\+?\d{1,3}[-.\s]?)?\d{9,15}/ }

vendor "zendesk-ai-agent" { token env("ZENDESK_AI_TOKEN")  tools "zendesk_*" }
vendor "intercom"         { token env("INTERCOM_TOKEN")    tools "intercom_*" }

agent "zendesk-vendor-proxy" {
  mode intercept
  posture read_write
  upstream stdio ["node", "upstream/server.mjs"] vendor "zendesk"

  tool zendesk_ticket_search -> "ticket_search" { class read }
  tool zendesk_ticket_read   -> "get_ticket"    { class read }
  tool zendesk_ticket_update -> "update_ticket" { class write }

  @id("zd-forbidden") @reason("destructive or bulk operation")
  forbid tool zendesk_user_delete, zendesk_export_all, "zendesk_admin_*"

  @id("zd-vendor")
  grant vendor "zendesk-ai-agent" read, write on "zendesk_ticket_*"

  ## PII redaction (LANGUAGE.md 8.1), in every scope: arguments before they reach the upstream,
  ## results (structuredContent and its text mirror) before they reach the vendor.
  @id("zd-email") redact requester.email, tickets[*].requester.email with hash
  @id("zd-phone") redact requester.phone, tickets[*].requester.phone with mask_middle
  @id("zd-desc")  redact description, tickets[*].description matching seed_phone with mask

  ## Until approvals are enforced, an update this rule applies to (condition true, or unknown:
  ## `impact` missing) is denied (fail closed); a routine update goes through.
  @id("zd-oversight")
  approve tool zendesk_ticket_update when args.priority == 'urgent' || args.impact > 500 by team approvers

  compliance { frameworks gdpr, nis2  audit_retention 365d }
  evidence   { capture requests, responses, redactions }
}

team approvers { approvers "support-lead@acme.example" }
