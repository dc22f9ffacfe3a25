/** The commented starter vigil.yaml that `vigil init` writes. It must parse (a test checks). */
export const starterConfig = `# vigil.yaml — Vigil's configuration. Every key is optional; defaults are shown commented out.
# Secrets: write \${ENV_VAR} and Vigil reads the value from the environment at start.

workspace:
  slug: default            # short id of this organization
  name: My organization

# dataDir: .vigil          # embedded database, signing key, evidence blobs (or set VIGIL_HOME)
# database:
#   url: \${DATABASE_URL}   # use a PostgreSQL server instead of the embedded database

server:
  port: 7700
  # publicUrl: https://vigil.example.com   # used for links in alerts
  # oidc:                                  # sign-in with your identity provider (docs/api.md)
  #   issuer: https://acme.okta.com
  #   clientId: 0oa1b2c3d4
  #   clientSecret: \${VIGIL_OIDC_CLIENT_SECRET}
  #   label: Okta

# controls:
#   paths: [controls/]     # controls as code: new controls, or overrides of library controls by id

# checks:
#   params:                # baselines and thresholds, per check id
#     access.leaver-deprovisioned: { slaHours: 24 }
#   paths: [checks/]       # your own checks as SQL in YAML

findings:
  sla:                     # time to remediate, from detection (ISO 8601 durations)
    critical: P15D
    high: P30D
    medium: P90D
    low: P180D

evidence:
  retention:
    default: P15M          # keep content 15 months: a 12-month audit period plus fieldwork
  checkpointEvery: PT1H    # sign a checkpoint of the evidence log this often
  # witnesses:             # send every checkpoint somewhere the operator of Vigil cannot rewrite
  #   - { type: file, path: /mnt/worm/vigil-checkpoints.txt }
  #   - { type: webhook, url: https://witness.example.com/checkpoints }

sources: []
#  - name: okta
#    type: okta
#    schedule: PT1H
#    config:
#      baseUrl: https://example.okta.com
#      token: \${OKTA_TOKEN}
`;
