// Fills an H2 ledger under /tmp/replaybench/data with 100,000 November calls over the shipped routing file's
// model names (3 tenants), for timing `caravan replay`. Run: jshell --class-path target/caravan.jar bench/replay-ledger.jsh
import java.sql.*;
var db = new dev.caravan.db.Database("jdbc:h2:file:/tmp/replaybench/data/caravan", "", "", 2);
var c = db.connection();
c.setAutoCommit(false);
var ps = c.prepareStatement("INSERT INTO caravan_ledger (request_id, ts_ms, usage_day, key_id, tenant, model_requested, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost_usd, usage_estimated, cache_hit, status, outcome, stream, latency_ms, endpoint) VALUES (?,?,?,?,?,?,?,?,0,0,0,?,false,false,200,'ok',false,100,'chat')");
String[] models = {"caravan/cheap", "caravan/code", "caravan/fast", "caravan/default", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5", "gpt-4o-mini", "caravan/vision"};
String[] tenants = {"acme", "globex", "initech"};
var rnd = new java.util.Random(42);
long base = java.time.Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
for (int i = 0; i < 100000; i++) {
  long ts = base + (long) (rnd.nextDouble() * 29 * 86400000L);
  ps.setString(1, "r" + i); ps.setLong(2, ts); ps.setObject(3, java.time.LocalDate.ofInstant(java.time.Instant.ofEpochMilli(ts), java.time.ZoneOffset.UTC));
  String t = tenants[rnd.nextInt(3)];
  ps.setString(4, "k-" + t); ps.setString(5, t); ps.setString(6, models[rnd.nextInt(models.length)]);
  ps.setLong(7, 200 + rnd.nextInt(12000)); ps.setLong(8, 50 + rnd.nextInt(800)); ps.setBigDecimal(9, new java.math.BigDecimal("0.001"));
  ps.addBatch();
  if (i % 5000 == 4999) { ps.executeBatch(); c.commit(); }
}
ps.executeBatch(); c.commit();
System.out.println("inserted");
c.close(); db.close();
/exit
