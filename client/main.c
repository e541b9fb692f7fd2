/* main.c: mcp-client's entry point: parse the command line, connect a session, run the command, report. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "mcpc_errors.h"
#include "oauth.h"
#include "output.h"
#include "session.h"
#include "sigv4.h"

int
main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    mcpc_options_t options;
    char err[512] = "";
    int ret = mcpc_cli_parse(argc, argv, &options, err, sizeof(err));
    if (ret != 0) {
        fprintf(stderr, "mcp-client: %s\nTry 'mcp-client --help'.\n", err[0] != '\0' ? err : mcpc_strerror(ret));
        mcpc_cli_dispose(&options);
        return mcpc_exit_status(ret);
    }
    if (options.help || options.version) {
        if (options.help)
            mcpc_cli_usage(stdout);
        else
            puts("mcp-client 0.1.0");
        mcpc_cli_dispose(&options);
        return MCPC_EXIT_OK;
    }

    mcpc_output_t output = {.out = stdout, .err = stderr, .json = options.json, .clean = isatty(STDOUT_FILENO)};
    mcpc_session_config_t config = {
        .url = options.url,
        .token = options.token,
        .oauth_client_id = options.oauth_client_id,
        .oauth_client_secret = options.oauth_client_secret,
        .oauth_issuer = options.oauth_issuer,
        .headers = options.headers,
        .num_headers = options.num_headers,
        .cacert = options.cacert,
        .timeout_ms = options.timeout_ms,
        .protocol_version = options.protocol_version,
        .log_level = options.log_level,
        .trace = options.verbose ? stderr : NULL,
        .diag = stderr,
        .on_notification = mcpc_output_notification,
        .cb_data = &output,
    };
    if (options.elicit != NULL)
        mcpc_mrtr_parse_elicit(options.elicit, &config.input); /* checked by mcpc_cli_parse() */
    mcpc_session_t *session = NULL;
    mcpc_sigv4_t *sigv4 = NULL;
    arena_t arena;
    arena_init(&arena, 0);
    mcpc_run_t run = {.options = &options, .output = &output, .arena = &arena};
    if (options.aws_sigv4) {
        mcpc_sigv4_config_t sc = {.url = options.url,
                                  .service = options.aws_service,
                                  .region = options.aws_region,
                                  .profile = options.aws_profile,
                                  .timeout_ms = options.timeout_ms};
        if ((ret = mcpc_sigv4_new(&sc, &sigv4, err, sizeof(err))) != 0) {
            fprintf(stderr, "mcp-client: %s\n", err);
            goto Exit;
        }
        config.signer = run.signer = mcpc_sigv4_signer(sigv4);
        if (options.verbose) {
            char what[512];
            mcpc_sigv4_describe(sigv4, what, sizeof(what));
            fprintf(stderr, "* signing with AWS SigV4: %s\n", what);
        }
    }
    if (options.command->standalone) {
        ret = options.command->run(&run);
    } else if ((ret = mcpc_session_new(&config, &session, err, sizeof(err))) != 0) {
        fprintf(stderr, "mcp-client: %s\n", err[0] != '\0' ? err : mcpc_strerror(ret));
        goto Exit;
    } else {
        run.session = session;
        if ((ret = mcpc_session_connect(session)) == 0)
            ret = options.command->run(&run);
    }
    fflush(stdout);

    if (ret == MCPC_ERR_TOOL) {
        fprintf(stderr, "mcp-client: %s\n", mcpc_strerror(ret));
    } else if (ret != 0) {
        fprintf(stderr, "mcp-client: %s\n",
                run.error[0] != '\0' ? run.error
                : session != NULL    ? mcpc_session_error(session)
                                     : mcpc_strerror(ret));
        if (ret == MCPC_ERR_AUTH && session != NULL) {
            const char *challenges = mcpc_session_challenges(session);
            for (const char *line = challenges; *line != '\0';) {
                const char *end = line;
                while (*end != '\n' && *end != '\0')
                    ++end;
                fprintf(stderr, "mcp-client: WWW-Authenticate: %.*s\n", (int)(end - line), line);
                line = *end != '\0' ? end + 1 : end;
            }
            /* what the server asks for, in words: the authorization server, the scope, the error */
            buf_t words = BUF_INIT(16384);
            mcpc_oauth_describe(challenges, mcpc_session_auth_status(session), options.url, options.cacert, options.timeout_ms,
                                !options.oauth_client_credentials, &words);
            if (words.len != 0)
                fputs(words.data, stderr);
            buf_dispose(&words);
        }
    }
Exit:
    mcpc_session_free(session);
    mcpc_sigv4_free(sigv4);
    arena_dispose(&arena);
    mcpc_cli_dispose(&options);
    return mcpc_exit_status(ret);
}
