-- One row per API call. cost_usd is NULL when the model has no price (never recorded as 0); saved_usd is what a
-- response-cache hit would have cost. Times are epoch milliseconds (UTC); usage_day is the UTC date of ts_ms.
CREATE TABLE caravan_ledger (
    request_id          VARCHAR(64)     NOT NULL,
    ts_ms               BIGINT          NOT NULL,
    usage_day           DATE            NOT NULL,
    key_id              VARCHAR(64),
    tenant              VARCHAR(200),
    tags                VARCHAR(1000),
    model_requested     VARCHAR(300),
    provider            VARCHAR(100),
    model_used          VARCHAR(300),
    deployment          VARCHAR(300),
    attempts            VARCHAR(2000),
    prompt_tokens       BIGINT          NOT NULL,
    completion_tokens   BIGINT          NOT NULL,
    cached_tokens       BIGINT          NOT NULL,
    cache_write_tokens  BIGINT          NOT NULL,
    reasoning_tokens    BIGINT          NOT NULL,
    cost_usd            NUMERIC(20, 10),
    saved_usd           NUMERIC(20, 10),
    usage_estimated     BOOLEAN         NOT NULL,
    cache_hit           BOOLEAN         NOT NULL,
    status              INTEGER         NOT NULL,
    outcome             VARCHAR(20)     NOT NULL,
    error_code          VARCHAR(100),
    stream              BOOLEAN         NOT NULL,
    latency_ms          INTEGER         NOT NULL,
    ttft_ms             INTEGER
);
CREATE INDEX caravan_ledger_ts ON caravan_ledger (ts_ms);
CREATE INDEX caravan_ledger_key_ts ON caravan_ledger (key_id, ts_ms);
CREATE INDEX caravan_ledger_tenant_ts ON caravan_ledger (tenant, ts_ms);
