-- Per-key OpenTelemetry content capture: when true, the key's prompts and completions are recorded (redacted) on
-- its spans as gen_ai.input.messages / gen_ai.output.messages. Off for every existing key.
ALTER TABLE caravan_keys ADD COLUMN trace_content BOOLEAN DEFAULT FALSE NOT NULL;
