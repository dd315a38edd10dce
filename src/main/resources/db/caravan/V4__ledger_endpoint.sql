-- The API each call came in on: chat, embeddings, messages (Anthropic-compatible) or responses.
ALTER TABLE caravan_ledger ADD COLUMN endpoint VARCHAR(40) DEFAULT 'chat' NOT NULL;
