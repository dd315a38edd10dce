package dev.caravan.api;

/** {@code function} of a tool call: the name and the arguments as a string of JSON (OpenAI's convention). */
public record FunctionCall(String name, String arguments) {
}
