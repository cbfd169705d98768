talon 1
caller "coder-agent" { oidc sub "svc:coder" }
caller "docs-agent" { oidc sub "svc:docs" }
agent "airlock-fs" {
  auth oidc issuer "https://id.acme.example" audience "airlock"
  upstream stdio ["node", "upstream/server.mjs", "/tmp/talon-airlock", "--seed", "seed"]
  posture read_only
  blobs drop
  limits { max_message 8MiB  max_scan 1MiB }
  evidence { capture requests, decisions, redactions }
  root workspace { path "/tmp/talon-airlock/workspace"  access read_write }
  root docs { path "/tmp/talon-airlock/docs"  access read }
  deny path "**/.git/**", "**/.env", "**/*.pem", "**/id_*"
  tool read_text_file, get_file_info, list_directory, search_files { class read  path args.path }
  tool read_multiple_files { class read  path args.paths[*] }
  tool write_file, edit_file, create_directory { class write  path args.path }
  tool move_file { class write  path args.source, args.destination }
  grant anyone read on "*"
  grant caller "coder-agent" write on write_file, edit_file, create_directory, move_file
  confirm tool move_file
  idempotent class write window 5m
  limit rate 120 per 1m burst 20 by caller
  redact ** matching aws_key, private_key with mask in result, errors, notifications
  test "read docs" {
    call read_text_file as "docs-agent" with { path: "/docs/guide.md" }
    expect allow
  }
  test "no escape" {
    call read_text_file as "docs-agent" with { path: "/docs/../../etc/passwd" }
    expect deny by "path:outside_roots"
  }
  test "no host paths" {
    call read_text_file as "coder-agent" with { path: "/etc/passwd" }
    expect deny
  }
  test "no .env" {
    call read_text_file as "coder-agent" with { path: "/workspace/app/.env" }
    expect deny by "path:denied"
  }
  test "docs read-only" {
    call write_file as "coder-agent" with { path: "/docs/x.md", content: "" }
    expect deny by "path:read_only_root"
  }
  test "move into docs" {
    call move_file as "coder-agent" with { source: "/workspace/a.md", destination: "/docs/a.md" }
    confirmed
    expect deny
  }
  test "write grant" {
    call write_file as "docs-agent" with { path: "/workspace/x", content: "" }
    expect deny by default
  }
  test "keys masked" {
    call read_text_file as "coder-agent" with { path: "/workspace/cfg.txt" }
    returns text "key=AKIAABCDEFGHIJKLMNOP"
    expect response.content[0].text == "key=XXXXXXXXXXXXXXXXXXXX"
  }
}
