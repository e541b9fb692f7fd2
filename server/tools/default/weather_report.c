/*
 * weather_report: a prompt asking the model for a short weather report on a city, using the get_weather
 * tool. The city completes from a list of well-known cities.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mcp.h"

static const mcp_prompt_arg_t arguments[] = {
    {.name = "city", .description = "The city to report on, e.g. \"Paris\"", .required = 1},
    {NULL},
};

static const char *const cities[] = {
    "Amsterdam", "Athens",      "Auckland",      "Bangkok", "Barcelona", "Berlin",    "Buenos Aires",
    "Cairo",     "Cape Town",   "Chicago",       "Dublin",  "Istanbul",  "Lisbon",    "London",
    "Madrid",    "Mexico City", "Montreal",      "Mumbai",  "Nairobi",   "New York",  "Oslo",
    "Paris",     "Rome",        "San Francisco", "Seoul",   "Singapore", "Stockholm", "Sydney",
    "Tokyo",     "Toronto",     "Vienna",        "Zurich",  NULL,
};

static int
get_weather_report(mcp_ctx_t *ctx, const json_value_t *args)
{
    static const char fmt[] = "Please write a short weather report for %s. Call the get_weather tool with the city \"%s\", "
                              "then describe the temperature, the conditions, the humidity and the wind in two or three "
                              "friendly sentences.";
    const char *city = json_string(json_get(args, "city"));
    size_t size = sizeof(fmt) + 2 * strlen(city);
    char *text = mcp_alloc(ctx, size);
    if (text == NULL)
        return 1;
    snprintf(text, size, fmt, city, city);
    mcp_prompt_text(ctx, "user", text);
    return 0;
}

/* Case-insensitive prefix match, so "new" offers "New York". */
static int
complete_weather_report(mcp_ctx_t *ctx, const char *argument, const char *value, const json_value_t *context)
{
    (void)context;
    if (strcmp(argument, "city") != 0)
        return 0;
    size_t len = strlen(value);
    for (const char *const *c = cities; *c != NULL; ++c)
        if (strncasecmp(*c, value, len) == 0)
            mcp_completion(ctx, *c);
    return 0;
}

MCP_PROMPT(weather_report, .title = "Weather report",
           .description = "Asks for a short, friendly weather report on a city, based on the get_weather tool.",
           .arguments = arguments, .get = get_weather_report, .complete = complete_weather_report);
