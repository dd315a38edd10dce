-- Budget alerts already sent: one row per scope (key:<id> or tenant:<name>), period and threshold, so an alert
-- fires once per period even across restarts.
CREATE TABLE caravan_budget_alerts (
    scope         VARCHAR(220)    NOT NULL,
    period_start  DATE            NOT NULL,
    threshold_pct INTEGER         NOT NULL,
    fired_at      BIGINT          NOT NULL,
    PRIMARY KEY (scope, period_start, threshold_pct)
);
