package dev.imaginebot.gradio;

/**
 * What the app's {@code /config} says about itself.
 *
 * @param baseUrl the URL calls go to, without a trailing slash
 * @param version Gradio version, for example {@code "5.23.1"}
 * @param protocol {@code "ws"}, {@code "sse"}, {@code "sse_v1"}, {@code "sse_v2"}, {@code
 *     "sse_v2.1"} or {@code "sse_v3"}
 * @param apiPrefix {@code ""} before 5.0, {@code "/gradio_api"} after
 * @param appId the per-launch id, or null
 * @param spaceId the Hugging Face Space id, or null
 */
public record AppInfo(
    String baseUrl,
    String version,
    String protocol,
    String apiPrefix,
    String appId,
    String spaceId) {}
