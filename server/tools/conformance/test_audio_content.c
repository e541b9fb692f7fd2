/*
 * test_audio_content: one audio block, a valid WAV file (conformance scenario tools-call-audio, which
 * requires the mimeType "audio/wav"). The file is a tenth of a second of a 440 Hz tone, built here
 * rather than stored so its format is visible in the code.
 */
#include <math.h>
#include <string.h>

#include "mcp.h"

#define SAMPLE_RATE 8000 /* 8-bit unsigned mono PCM: one byte per sample */
#define NUM_SAMPLES (SAMPLE_RATE / 10)
#define TONE_HZ 440.0
#define WAV_HEADER_LEN 44

static unsigned char *
put_le(unsigned char *p, uint32_t v, int nbytes)
{
    for (int i = 0; i != nbytes; ++i)
        *p++ = (unsigned char)(v >> (8 * i));
    return p;
}

static unsigned char *
put_tag(unsigned char *p, const char *tag)
{
    memcpy(p, tag, 4);
    return p + 4;
}

static int
audio_content(mcp_ctx_t *ctx, const json_value_t *args)
{
    (void)args;
    unsigned char *wav = mcp_alloc(ctx, WAV_HEADER_LEN + NUM_SAMPLES), *p = wav;
    if (wav == NULL)
        return mcp_error(ctx, "Out of memory.");
    p = put_tag(p, "RIFF");
    p = put_le(p, WAV_HEADER_LEN - 8 + NUM_SAMPLES, 4);
    p = put_tag(p, "WAVE");
    p = put_tag(p, "fmt ");
    p = put_le(p, 16, 4);          /* size of the PCM format chunk */
    p = put_le(p, 1, 2);           /* PCM */
    p = put_le(p, 1, 2);           /* channels */
    p = put_le(p, SAMPLE_RATE, 4); /* samples per second */
    p = put_le(p, SAMPLE_RATE, 4); /* bytes per second */
    p = put_le(p, 1, 2);           /* bytes per frame */
    p = put_le(p, 8, 2);           /* bits per sample */
    p = put_tag(p, "data");
    p = put_le(p, NUM_SAMPLES, 4);
    for (int i = 0; i != NUM_SAMPLES; ++i)
        *p++ = (unsigned char)lround(128 + 64 * sin(2 * M_PI * TONE_HZ * i / SAMPLE_RATE)); /* half volume, silence is 128 */
    mcp_audio(ctx, wav, WAV_HEADER_LEN + NUM_SAMPLES, "audio/wav");
    return 0;
}

MCP_TOOL(test_audio_content, .title = "Audio content",
         .description = "Returns a short WAV audio clip, a 440 Hz tone (conformance fixture).",
         .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .handler = audio_content,
         .nonblocking = 1);
