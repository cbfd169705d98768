talon 1
agent "zendesk-vendor-proxy" {
  mode intercept
  upstream "https://zendesk-ai-vendor.com" vendor "zendesk-ai-agent"
  upstream_auth passthrough header "Authorization"
  posture read_write
  tool zendesk_ticket_search -> "ticket_search"
  tool zendesk_ticket_read -> "get_ticket"
  forbid tool zendesk_user_delete
  forbid tool zendesk_export_all
  forbid tool "zendesk_admin_*"
  grant anyone all on zendesk_ticket_search, zendesk_ticket_read
  redact requester.email with hash
  redact requester.phone with mask_middle
  redact description matching /(\+?\d{1,3}[-.\s]?)?\d{9,15}/ with mask
  compliance { frameworks gdpr, nis2  audit_retention 365d }
  approve tool zendesk_ticket_update when args.priority == 'urgent' || args.impact > 500 by team approvers
  evidence { capture requests, responses, redactions }
}
