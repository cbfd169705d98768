talon 1
# LANGUAGE.md 13.2, runnable: agents administer a Talos-like Kubernetes cluster through Talon,
# read-only by default. The upstream is the example server in upstream/ (stdio, one child per
# session); in production it would be `talos-mcp-server --talosconfig /etc/talon/talosconfig`.
const control_plane = ["10.0.0.10", "10.0.0.11", "10.0.0.12"]
team sre { members "sre-agent" }
team oncall { approvers "oncall-primary@acme.example", "oncall-secondary@acme.example" }
caller "sre-agent" { token env("TALOS_SRE_TOKEN") }
caller "readonly-agent" { token env("TALOS_RO_TOKEN") }
agent "talos" {
  upstream stdio ["node", "upstream/server.mjs"]
  posture read_only
  compliance { frameworks nis2  audit_retention 400d }
  evidence { capture requests, responses, redactions, decisions, approvals }
  allow method "prompts/list", "prompts/get"  # seed 003 passes prompts through
  tool talos_version, talos_system_stats, talos_list_containers, talos_service_logs,
    talos_etcd_status, talos_dmesg, talos_kubeconfig { class read }
  tool talos_reboot, talos_apply_config { class destructive }
  forbid tool talos_reset, talos_upgrade, "talos_etcd_remove_*"  # never via agents
  forbid tool talos_kubeconfig unless caller.id == "sre-agent"  # cluster credentials: SRE only
  grant anyone read on "talos_*"
  grant team sre destructive on talos_reboot, talos_apply_config
  @id("talos-confirm")
  confirm tool talos_reboot, talos_apply_config unless args.dry_run == true via elicitation_or_token
  @id("talos-cp-reboot")
  approve tool talos_reboot when args.nodes.exists(n, n in control_plane) by team oncall { timeout 30m }
  @id("talos-cfg-disruptive")
  approve tool talos_apply_config unless args.mode in ["try", "staged", "no-reboot"] || args.dry_run == true
    by team oncall { timeout 30m }
  limit rate 6 per 1h burst 2 by caller on class destructive
  idempotent tool talos_apply_config window 15m on_duplicate reject
  redact **.ca.key, **.token, **.secretboxEncryptionSecret, **.aescbcEncryptionSecret with redact_full in result
  block response when detect(response, private_key, jwt)
  test "reads are open" {
    call talos_version as "readonly-agent"
    expect allow
  }
  test "kubeconfig is SRE's" {
    call talos_kubeconfig as "readonly-agent"
    expect deny
  }
  test "no grant, no reboot" {
    call talos_reboot as "readonly-agent" with { nodes: ["10.0.0.21"] }
    expect deny by default
  }
  test "worker reboot" {
    call talos_reboot as "sre-agent" with { nodes: ["10.0.0.21"] }
    expect confirm by "talos-confirm"
  }
  test "cp reboot" {
    call talos_reboot as "sre-agent" with { nodes: ["10.0.0.11"] }
    confirmed
    expect approval by team oncall
  }
  test "dry run" {
    call talos_apply_config as "sre-agent" with { nodes: ["10.0.0.21"], mode: "auto", dry_run: true }
    expect allow
  }
  test "mode omitted" {
    call talos_apply_config as "sre-agent" with { nodes: ["10.0.0.21"] }
    confirmed
    expect approval by team oncall
  }
  test "reset never" {
    call talos_reset as "sre-agent"
    expect deny
  }
}
