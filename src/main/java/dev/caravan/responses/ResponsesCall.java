package dev.caravan.responses;

import java.security.SecureRandom;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Per-call state of {@code POST /v1/responses}, attached to the {@code ChatCall}: the parsed request, the id the
 * answer will carry, the owner (key id) and the whole conversation that led to it (stored items of the previous
 * responses, then this input). {@link #keep} stores a finished response when the client asked for storage.
 */
public final class ResponsesCall {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ResponsesRequest request;
    private final String id;
    private final long createdAt;
    private final String keyId;
    private final String tenant;
    private final ArrayNode conversation;
    private final ResponseStore store;
    private volatile boolean droppedReasoning;

    ResponsesCall(ResponsesRequest request, String keyId, String tenant, ArrayNode conversation, ResponseStore store,
            long createdAt) {
        this.request = request;
        this.id = newId("resp_");
        this.createdAt = createdAt;
        this.keyId = keyId;
        this.tenant = tenant;
        this.conversation = conversation;
        this.store = store;
    }

    /** A fresh id with OpenAI's prefix and 48 random hex digits (resp_, msg_, fc_, rs_). */
    static String newId(String prefix) {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    public ResponsesRequest request() {
        return request;
    }

    public String id() {
        return id;
    }

    public long createdAt() {
        return createdAt;
    }

    public String keyId() {
        return keyId;
    }

    /** Every input item of the conversation so far (previous responses' input and output, then this input). */
    public ArrayNode conversation() {
        return conversation;
    }

    /** True when the conversation replays items that came from previous responses. */
    public boolean continues() {
        return request.previousId() != null;
    }

    void droppedReasoning(boolean d) {
        droppedReasoning = d;
    }

    boolean droppedReasoning() {
        return droppedReasoning;
    }

    /** Stores the finished response (when {@code store} is on) with the conversation that led to it. */
    public void keep(ObjectNode response) {
        if (request.store() && store != null && response.path("id").isTextual()) {
            store.save(new ResponseStore.Stored(response.get("id").asText(), keyId, tenant, createdAt, conversation,
                    response));
        }
    }
}
