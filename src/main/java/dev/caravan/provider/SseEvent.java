package dev.caravan.provider;

/** One server-sent event: its {@code event:} name (null when absent) and its {@code data} lines joined by LF. */
public record SseEvent(String event, String data) {
}
