/*
 * get_weather: simulated weather for a city. Nothing is fetched: every figure derives from a hash of
 * the case-folded city name, so the same city always gets the same weather, which makes the tool
 * usable in tests and demos without a network or an API key.
 */
#include <math.h>
#include <string.h>

#include "mcp.h"

/* The possible conditions and whether each is precipitation (which falls as snow below freezing). */
#define WEATHER_CONDITIONS(X)                                                                                                      \
    X("Clear", 0)                                                                                                                  \
    X("Sunny", 0)                                                                                                                  \
    X("Partly cloudy", 0)                                                                                                          \
    X("Cloudy", 0)                                                                                                                 \
    X("Overcast", 0)                                                                                                               \
    X("Fog", 0)                                                                                                                    \
    X("Windy", 0)                                                                                                                  \
    X("Drizzle", 1)                                                                                                                \
    X("Light rain", 1)                                                                                                             \
    X("Rain", 1)                                                                                                                   \
    X("Thunderstorms", 1)
#define SNOW "Snow"

static const struct {
    const char *name;
    int precipitation;
} conditions[] = {
#define CONDITION_ROW(name, precipitation) {name, precipitation},
    WEATHER_CONDITIONS(CONDITION_ROW)
#undef CONDITION_ROW
};

/* The output schema lists the same names, so structured content can never drift from the table. */
#define CONDITION_VALUE(name, precipitation) name "|"
#define CONDITION_VALUES WEATHER_CONDITIONS(CONDITION_VALUE) SNOW

#define GET_WEATHER_PARAMS(P)                                                                                                      \
    P(city, STRING, "City name, e.g. \"Paris\"", .required = 1, .min_length = 1, .max_length = 100)                                \
    P(units, ENUM, "metric: °C and km/h; imperial: °F and mph", .values = "metric|imperial", .def = "metric")
MCP_PARAMS(get_weather, GET_WEATHER_PARAMS);

#define GET_WEATHER_OUTPUT(P)                                                                                                      \
    P(city, STRING, "The city, as given", .required = 1)                                                                           \
    P(temperature, NUMBER, "Air temperature in °C or °F", .required = 1)                                                           \
    P(units, ENUM, NULL, .required = 1, .values = "metric|imperial")                                                               \
    P(conditions, ENUM, NULL, .required = 1, .values = CONDITION_VALUES)                                                           \
    P(humidity, INTEGER, "Relative humidity in percent", .required = 1, .minimum = "0", .maximum = "100")                          \
    P(windSpeed, NUMBER, "Wind speed in km/h or mph", .required = 1, .minimum = "0")
MCP_OUTPUT(get_weather, GET_WEATHER_OUTPUT);

typedef struct st_weather_t {
    int temperature_tenths; /* °C */
    const char *conditions;
    int humidity;          /* percent */
    int wind_speed_tenths; /* km/h */
} weather_t;

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char
fold_ascii(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * FNV-1a over the name folded to ASCII lower case (bytes above 0x7f are kept: folding them would need
 * Unicode tables), then a 64-bit finaliser, because FNV alone leaves the high bits of short names
 * poorly mixed and the figures below are cut from different bit ranges.
 */
static uint64_t
hash_city(const char *name, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i != len; ++i) {
        h ^= (unsigned char)fold_ascii(name[i]);
        h *= 0x100000001b3u;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return h;
}

static weather_t
simulate(uint64_t h)
{
    weather_t w;
    w.temperature_tenths = (int)(h % 451) - 100; /* -10.0 to 35.0 °C */
    size_t c = (size_t)((h >> 16) % (sizeof(conditions) / sizeof(conditions[0])));
    w.conditions = conditions[c].precipitation && w.temperature_tenths <= 0 ? SNOW : conditions[c].name;
    w.humidity = 20 + (int)((h >> 28) % 81);      /* 20 to 100 % */
    w.wind_speed_tenths = (int)((h >> 40) % 601); /* 0.0 to 60.0 km/h */
    return w;
}

static int
get_weather(mcp_ctx_t *ctx, const struct get_weather_params *p)
{
    int imperial = strcmp(p->units, "imperial") == 0;

    /* "Paris" and " paris " are the same city */
    const char *city = p->city;
    size_t len = strlen(city);
    while (len != 0 && is_space(city[len - 1]))
        --len;
    while (len != 0 && is_space(*city))
        ++city, --len;
    if (len == 0)
        return mcp_error(ctx, "Invalid arguments: city must not be blank.");
    char *name = mcp_alloc(ctx, len + 1);
    if (name == NULL)
        return mcp_error(ctx, "Out of memory.");
    memcpy(name, city, len);
    name[len] = '\0';

    weather_t w = simulate(hash_city(name, len));
    double temperature = w.temperature_tenths / 10.0, wind_speed = w.wind_speed_tenths / 10.0;
    if (imperial) {
        temperature = (lround(w.temperature_tenths * 1.8) + 320) / 10.0;
        wind_speed = lround(w.wind_speed_tenths * 0.621371) / 10.0;
    }

    mcp_textf(ctx, "%s: %.1f %s, %s, humidity %d%%, wind %.1f %s (simulated)", name, temperature, imperial ? "°F" : "°C",
              w.conditions, w.humidity, wind_speed, imperial ? "mph" : "km/h");
    get_weather_output(ctx, &(struct get_weather_output){.city = name,
                                                         .temperature = temperature,
                                                         .units = p->units,
                                                         .conditions = w.conditions,
                                                         .humidity = w.humidity,
                                                         .windSpeed = wind_speed});
    return 0;
}

MCP_TOOL_TYPED(get_weather, .title = "Weather (simulated)",
               .description = "Returns simulated current weather for a city: temperature, conditions, humidity and wind speed. "
                              "The figures are made up but stable: the same city always gets the same weather.",
               .output = get_weather_output_rows,
               .annotations = "{\"readOnlyHint\":true,\"idempotentHint\":true,\"openWorldHint\":false}", .nonblocking = 1);
