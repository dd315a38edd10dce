-- Ledger retention: days older than caravan.ledger.retention-days are rolled up into one row per
-- day x key x tenant x tags x model asked x provider x deployment x endpoint, and their detailed rows deleted.
-- Every measure of the spend API is kept (requests, exact cost, unpriced calls, saved, tokens by kind, cache hits,
-- errors), so spend reports and budgets read the same totals before and after a roll-up. group_hash is the
-- SHA-256 of the group's columns (NULLs included): with the day it is the unique key, short enough for any index.
CREATE TABLE caravan_ledger_daily (
    usage_day              DATE            NOT NULL,
    group_hash             VARCHAR(64)     NOT NULL,
    key_id                 VARCHAR(64),
    tenant                 VARCHAR(200),
    tags                   VARCHAR(1000),
    model_requested        VARCHAR(300),
    provider               VARCHAR(100),
    deployment             VARCHAR(300),
    endpoint               VARCHAR(40)     NOT NULL,
    requests               BIGINT          NOT NULL,
    unknown_cost_requests  BIGINT          NOT NULL,
    cost_usd               NUMERIC(24, 10) NOT NULL,
    saved_usd              NUMERIC(24, 10) NOT NULL,
    prompt_tokens          BIGINT          NOT NULL,
    completion_tokens      BIGINT          NOT NULL,
    cached_tokens          BIGINT          NOT NULL,
    cache_write_tokens     BIGINT          NOT NULL,
    reasoning_tokens       BIGINT          NOT NULL,
    cache_hits             BIGINT          NOT NULL,
    errors                 BIGINT          NOT NULL,
    updated_at             BIGINT          NOT NULL,
    PRIMARY KEY (usage_day, group_hash)
);
CREATE INDEX caravan_ledger_daily_key_day ON caravan_ledger_daily (key_id, usage_day);
CREATE INDEX caravan_ledger_daily_tenant_day ON caravan_ledger_daily (tenant, usage_day);
-- One row, locked (SELECT ... FOR UPDATE) by the replica rolling up, so replicas running the job at the same time
-- take turns; last_day is the newest day rolled up so far (for operators).
CREATE TABLE caravan_ledger_rollup_lock (
    id          INTEGER     NOT NULL PRIMARY KEY,
    last_day    DATE,
    updated_at  BIGINT
);
INSERT INTO caravan_ledger_rollup_lock (id) VALUES (1);
