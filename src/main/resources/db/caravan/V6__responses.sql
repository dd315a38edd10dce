-- Stored responses of POST /v1/responses (store: true): the response object and the conversation items that led
-- to it, owned by one key (another key gets 404). Rows older than caravan.responses.retention-days are deleted.
-- TEXT is a character large object on H2 and text on PostgreSQL.
CREATE TABLE caravan_responses (
    id          VARCHAR(80)  NOT NULL PRIMARY KEY,
    key_id      VARCHAR(200) NOT NULL,
    tenant      VARCHAR(200),
    created_at  BIGINT       NOT NULL,
    input_items TEXT         NOT NULL,
    response    TEXT         NOT NULL
);
CREATE INDEX caravan_responses_created ON caravan_responses (created_at);
