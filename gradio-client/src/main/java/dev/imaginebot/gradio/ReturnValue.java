package dev.imaginebot.gradio;

/**
 * One output of an endpoint: its label, component type ({@code "Image"}, {@code "Gallery"}) and
 * Python type.
 */
public record ReturnValue(String label, String component, String pythonType) {}
