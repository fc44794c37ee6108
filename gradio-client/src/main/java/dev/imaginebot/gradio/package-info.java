/**
 * A Java client for any Gradio app: connect, view the API, submit jobs, stream their events and
 * download their files. Every queue protocol in use is spoken, from the 3.x websocket to {@code
 * sse_v3}. Nothing in this package exposes OkHttp or Jackson types.
 */
package dev.imaginebot.gradio;
