using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GridSpan.Common;
using Polly;
using Polly.Retry;

namespace GridSpan.Providers.OpenStack.Http;

/// <summary>
/// Sends JSON requests to OpenStack APIs with the session's token. Transient failures are retried
/// with exponential backoff: connection resets, timeouts, 5xx and 409 (a busy resource) on
/// idempotent requests; on POST only failures to connect and 503, which mean the request was not
/// processed. Every other error becomes a <see cref="GridSpanException"/> quoting the API's fault.
/// Neither tokens nor request bodies are ever written to a message.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _idempotent;
    private readonly ResiliencePipeline<HttpResponseMessage> _once;

    public ApiClient(string site, HttpMessageHandler handler, RetrySettings retry)
    {
        Site = site;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = retry.RequestTimeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("gridspan", "1"));
        _idempotent = Pipeline(retry, idempotent: true);
        _once = Pipeline(retry, idempotent: false);
    }

    public string Site { get; }

    /// <summary>Supplies the token; called with true after a 401 to get a fresh one.</summary>
    public Func<bool, CancellationToken, ValueTask<string>>? TokenSource { get; set; }

    /// <summary>Builds the handler GridSpan uses for a cloud: pooled connections, TLS verification as configured.</summary>
    public static SocketsHttpHandler CreateHandler(bool verifyTls)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(20),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AutomaticDecompression = DecompressionMethods.All,
        };
        if (!verifyTls)
        {
            // The user asked for it (`verify: false` in clouds.yaml), as the OpenStack client allows.
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        return handler;
    }

    public async Task<ApiResponse?> SendAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body is null ? null : Encoding.UTF8.GetBytes(request.Body.ToJsonString());
        var refreshed = false;
        while (true)
        {
            var token = request.Anonymous || TokenSource is null ? null : await TokenSource(false, cancellationToken).ConfigureAwait(false);
            using var response = await SendWithRetriesAsync(request, body, token, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                JsonElement? json = null;
                if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
                {
                    try
                    {
                        using var document = JsonDocument.Parse(text);
                        json = document.RootElement.Clone();
                    }
                    catch (JsonException failure)
                    {
                        throw ApiAnswer.Malformed(Site, request.Service, request.What, $"not JSON: {failure.Message}", failure);
                    }
                }
                var subject = response.Headers.TryGetValues("X-Subject-Token", out var values) ? values.FirstOrDefault() : null;
                return new ApiResponse(response.StatusCode, json, subject);
            }
            if (response.StatusCode == HttpStatusCode.NotFound && request.NotFoundIsNull)
            {
                return null;
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && token is not null && !refreshed)
            {
                refreshed = true;
                await TokenSource!(true, cancellationToken).ConfigureAwait(false);
                continue;
            }
            throw Refused(request, response.StatusCode, text);
        }
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(ApiRequest request, byte[]? body, string? token, CancellationToken cancellationToken)
    {
        var pipeline = request.Idempotent ? _idempotent : _once;
        try
        {
            return await pipeline.ExecuteAsync(async ct =>
            {
                using var message = new HttpRequestMessage(request.Method, request.Url);
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (token is not null)
                {
                    message.Headers.Add("X-Auth-Token", token);
                }
                foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
                {
                    message.Headers.TryAddWithoutValidation(name, value);
                }
                if (body is not null)
                {
                    message.Content = new ByteArrayContent(body);
                    message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                }
                var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
                return response;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException failure)
        {
            throw GridSpanException.Provider(Site,
                $"{request.Service} did not answer while trying to {request.What} ({request.Url.GetLeftPart(UriPartial.Authority)}): {failure.Message}",
                "check that the cloud is reachable from this machine (VPN, proxy, firewall) and try again", failure).AsTransient();
        }
        catch (TaskCanceledException failure) when (!cancellationToken.IsCancellationRequested)
        {
            throw GridSpanException.Provider(Site,
                $"{request.Service} did not answer in time while trying to {request.What} ({request.Url.GetLeftPart(UriPartial.Authority)})",
                "the cloud may be overloaded; try again later", failure).AsTransient();
        }
    }

    private GridSpanException Refused(ApiRequest request, HttpStatusCode status, string body)
    {
        var fault = ApiFault.MessageOf(body);
        var fix = status switch
        {
            HttpStatusCode.Unauthorized => "check the credentials of this cloud in clouds.yaml/secure.yaml; they may have expired",
            // Keystone answers 404 for an application credential that was deleted (as terminate revokes a master's).
            HttpStatusCode.NotFound when request.Anonymous =>
                "check the credentials of this cloud in clouds.yaml/secure.yaml; they may have been deleted or revoked",
            HttpStatusCode.Forbidden when fault.Contains("quota", StringComparison.OrdinalIgnoreCase) =>
                "ask the cloud's operators for more quota, or make the cluster smaller",
            HttpStatusCode.Conflict when ApiFault.NeutronType(body) == "OverQuota" =>
                "ask the cloud's operators for more quota, or make the cluster smaller",
            HttpStatusCode.Forbidden when request.ForbiddenFix is not null => request.ForbiddenFix,
            HttpStatusCode.Forbidden => "your role in this project does not allow this; ask the cloud's operators",
            _ => null,
        };
        var refused = GridSpanException.Provider(Site,
            $"{request.Service} refused to {request.What}: {fault} (HTTP {(int)status} {ReasonOf(status)})", fix);
        // The cloud says itself that it may answer later: busy (429) or failing inside (5xx).
        return status == HttpStatusCode.TooManyRequests || (int)status >= 500 ? refused.AsTransient() : refused;
    }

    private static string ReasonOf(HttpStatusCode status) =>
        System.Text.RegularExpressions.Regex.Replace(status.ToString(), "(?<=[a-z])(?=[A-Z])", " ");

    private static ResiliencePipeline<HttpResponseMessage> Pipeline(RetrySettings retry, bool idempotent)
    {
        if (retry.Attempts <= 0)
        {
            return ResiliencePipeline<HttpResponseMessage>.Empty;
        }
        return new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retry.Attempts,
                Delay = retry.FirstDelay,
                MaxDelay = retry.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => IsTransientAsync(args.Outcome, idempotent, args.Context.CancellationToken),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    internal static async ValueTask<bool> IsTransientAsync(Outcome<HttpResponseMessage> outcome, bool idempotent, CancellationToken cancellationToken)
    {
        if (outcome.Exception is HttpRequestException failure)
        {
            // A reset may come after the request was processed: repeat only what is safe to repeat.
            return idempotent || failure.HttpRequestError == HttpRequestError.ConnectionError;
        }
        if (outcome.Exception is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return idempotent;
        }
        if (outcome.Result is not { } response)
        {
            return false;
        }
        var status = (int)response.StatusCode;
        if (!idempotent)
        {
            return status == 503;
        }
        if (status is 500 or 502 or 503 or 504)
        {
            return true;
        }
        if (status == 409)
        {
            // Busy resources (in use, task in progress) settle; an exhausted quota does not.
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return ApiFault.NeutronType(text) != "OverQuota" && !text.Contains("quota", StringComparison.OrdinalIgnoreCase);
        }
        return false;
    }

    public void Dispose() => _http.Dispose();
}
