-- Virtual keys. The key itself is never stored: only its SHA-256 (hex) and a short prefix for display.
CREATE TABLE caravan_keys (
    id                    VARCHAR(40)     NOT NULL PRIMARY KEY,
    key_hash              VARCHAR(64)     NOT NULL UNIQUE,
    key_prefix            VARCHAR(32)     NOT NULL,
    name                  VARCHAR(200),
    tenant                VARCHAR(200)    NOT NULL,
    labels                VARCHAR(4000),
    models                VARCHAR(4000),
    rpm                   INTEGER,
    tpm                   INTEGER,
    budget_usd            NUMERIC(20, 10),
    budget_period         VARCHAR(8),
    expires_at            BIGINT,
    status                VARCHAR(16)     NOT NULL,
    allow_tenant_override BOOLEAN         NOT NULL,
    allow_tags            BOOLEAN         NOT NULL,
    use_cache             BOOLEAN         NOT NULL,
    created_at            BIGINT          NOT NULL,
    updated_at            BIGINT          NOT NULL
);
CREATE INDEX caravan_keys_tenant ON caravan_keys (tenant);
