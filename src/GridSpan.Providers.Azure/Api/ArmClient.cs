using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using GridSpan.Common;

namespace GridSpan.Providers.Azure.Api;

/// <summary>
/// ARM REST for one site: every call carries a bearer token of the site's credential; throttling (429) and 5xx answers
/// are tried again after ARM's Retry-After, else with a doubling back-off; long-running operations are followed the
/// documented way (Azure-AsyncOperation, else Location, each polled after its Retry-After). What is left becomes a
/// <see cref="GridSpanException"/> naming the call and quoting ARM's error (<see cref="ArmFaults"/>).
/// </summary>
internal sealed class ArmClient : IDisposable
{
    private static readonly HashSet<string> TerminalStates = new(StringComparer.OrdinalIgnoreCase) { "Succeeded", "Failed", "Canceled" };

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };
    private readonly ArmAccess _access;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private AccessToken? _token;

    public ArmClient(string site, Uri endpoint, ArmAccess access)
    {
        Site = site;
        Endpoint = endpoint;
        _access = access;
    }

    public string Site { get; }

    public Uri Endpoint { get; }

    /// <summary>The resource, or null when ARM says it does not exist (404).</summary>
    public async Task<JsonObject?> GetAsync(string path, string apiVersion, string what, CancellationToken cancellationToken) =>
        await ReadAsync(path, apiVersion, what, cancellationToken).ConfigureAwait(false) as JsonObject;

    /// <summary>What ARM answers to a GET (an object, or an array for the few APIs that list that way), or null for 404.</summary>
    public async Task<JsonNode?> ReadAsync(string path, string apiVersion, string what, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Get, UriOf(path, apiVersion), null, what, cancellationToken, allowNotFound: true).ConfigureAwait(false);
        return answer.Status == HttpStatusCode.NotFound ? null : answer.Body;
    }

    /// <summary>Every item of a list, following `nextLink` page by page.</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(string path, string apiVersion, string what, CancellationToken cancellationToken, string? filter = null)
    {
        var items = new List<JsonObject>();
        Uri? next = UriOf(path, apiVersion, filter);
        while (next is not null)
        {
            var answer = await SendAsync(HttpMethod.Get, next, null, what, cancellationToken, allowNotFound: true).ConfigureAwait(false);
            if (answer.Status == HttpStatusCode.NotFound)
            {
                return items;
            }
            items.AddRange((answer.Body?["value"] as JsonArray ?? []).OfType<JsonObject>());
            next = answer.Body?["nextLink"]?.GetValue<string>() is { } link ? new Uri(link) : null;
        }
        return items;
    }

    /// <summary>Creates or updates a resource and waits until ARM says it succeeded; returns the resource as it then is.</summary>
    public async Task<JsonObject> PutAsync(string path, string apiVersion, JsonObject body, string what, CancellationToken cancellationToken)
    {
        var uri = UriOf(path, apiVersion);
        var answer = await SendAsync(HttpMethod.Put, uri, body, what, cancellationToken).ConfigureAwait(false);
        await FollowAsync(answer, what, cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_access.OperationTimeout);
        while (true)
        {
            var current = (await SendAsync(HttpMethod.Get, uri, null, what, timeout.Token).ConfigureAwait(false)).Body as JsonObject
                ?? throw GridSpanException.Provider(Site, $"Azure answered without the resource when asked to {what}");
            var state = current["properties"]?["provisioningState"]?.GetValue<string>();
            if (state is null || string.Equals(state, "Succeeded", StringComparison.OrdinalIgnoreCase))
            {
                return current;
            }
            if (TerminalStates.Contains(state))
            {
                throw ArmFaults.OperationFailed(Site, what, state, null);
            }
            await Task.Delay(_access.PollInterval, _access.Time, timeout.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Starts creating a resource and returns ARM's first answer; the resource's provisioningState tells the rest.</summary>
    public async Task<JsonObject> BeginPutAsync(string path, string apiVersion, JsonObject body, string what, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Put, UriOf(path, apiVersion), body, what, cancellationToken).ConfigureAwait(false)).Body as JsonObject
        ?? throw GridSpanException.Provider(Site, $"Azure answered without the resource when asked to {what}");

    /// <summary>
    /// The text behind a SAS URL that ARM handed out (a blob of Azure Storage, which takes no ARM token); null when it is
    /// not there (yet). A blob that does not answer is one not there yet: the caller asks again later.
    /// </summary>
    public async Task<string?> DownloadAsync(Uri sasUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(sasUrl, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false) : null;
        }
        catch (Exception failure) when (failure is HttpRequestException || (failure is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>Deletes a resource and waits until it is gone; one that is gone already is no error.</summary>
    public async Task DeleteAsync(string path, string apiVersion, string what, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Delete, UriOf(path, apiVersion), null, what, cancellationToken, allowNotFound: true).ConfigureAwait(false);
        if (answer.Status != HttpStatusCode.NotFound)
        {
            await FollowAsync(answer, what, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An action (POST), followed to its end when ARM runs it as an operation; returns its result.</summary>
    public async Task<JsonNode?> PostAsync(string path, string apiVersion, JsonObject? body, string what, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Post, UriOf(path, apiVersion), body ?? [], what, cancellationToken).ConfigureAwait(false);
        return await FollowAsync(answer, what, cancellationToken).ConfigureAwait(false) ?? answer.Body;
    }

    /// <summary>
    /// Waits for the operation an answer started: polls Azure-AsyncOperation until its status is terminal, else
    /// Location until it stops answering 202; each poll after Retry-After, else <see cref="ArmAccess.PollInterval"/>.
    /// </summary>
    /// <returns>The final answer's body when Location gave one, else null.</returns>
    private async Task<JsonNode?> FollowAsync(Answer answer, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_access.OperationTimeout);
        if (answer.AsyncOperation is { } operation)
        {
            var wait = answer.RetryAfter;
            while (true)
            {
                await Task.Delay(wait ?? _access.PollInterval, _access.Time, timeout.Token).ConfigureAwait(false);
                var poll = await SendAsync(HttpMethod.Get, operation, null, what, timeout.Token).ConfigureAwait(false);
                var status = poll.Body?["status"]?.GetValue<string>() ?? "";
                if (string.Equals(status, "Succeeded", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }
                if (TerminalStates.Contains(status))
                {
                    throw ArmFaults.OperationFailed(Site, what, status, poll.Body);
                }
                wait = poll.RetryAfter;
            }
        }
        if (answer.Status == HttpStatusCode.Accepted && answer.Location is { } location)
        {
            var wait = answer.RetryAfter;
            while (true)
            {
                await Task.Delay(wait ?? _access.PollInterval, _access.Time, timeout.Token).ConfigureAwait(false);
                var poll = await SendAsync(HttpMethod.Get, location, null, what, timeout.Token).ConfigureAwait(false);
                if (poll.Status != HttpStatusCode.Accepted)
                {
                    return poll.Body;
                }
                wait = poll.RetryAfter;
            }
        }
        return null;
    }

    private sealed record Answer(HttpStatusCode Status, JsonNode? Body, Uri? AsyncOperation, Uri? Location, TimeSpan? RetryAfter);

    /// <summary>One call, tried again while ARM throttles it, answers 5xx or does not answer; any other error is thrown at once.</summary>
    private async Task<Answer> SendAsync(HttpMethod method, Uri uri, JsonObject? body, string what, CancellationToken cancellationToken, bool allowNotFound = false)
    {
        var backoff = _access.Backoff;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken).ConfigureAwait(false));
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }
            Answer answer;
            try
            {
                using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                answer = new Answer(response.StatusCode, Parse(text), Header(response, "Azure-AsyncOperation"),
                    response.Headers.Location is { } location ? new Uri(uri, location) : null, RetryAfterOf(response));
            }
            catch (Exception failure) when (failure is HttpRequestException || (failure is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (attempt >= _access.Attempts)
                {
                    throw ArmFaults.Unanswered(Site, what, Endpoint, failure);
                }
                await Task.Delay(backoff, _access.Time, cancellationToken).ConfigureAwait(false);
                backoff *= 2;
                continue;
            }
            var status = (int)answer.Status;
            if (status is 429 or >= 500)
            {
                if (attempt >= _access.Attempts)
                {
                    throw ArmFaults.Refused(Site, what, answer.Status, answer.Body).AsTransient();
                }
                await Task.Delay(answer.RetryAfter ?? backoff, _access.Time, cancellationToken).ConfigureAwait(false);
                backoff *= 2;
                continue;
            }
            if (status >= 400 && !(allowNotFound && answer.Status == HttpStatusCode.NotFound))
            {
                throw ArmFaults.Refused(Site, what, answer.Status, answer.Body);
            }
            return answer;
        }
    }

    /// <summary>A token for ARM, fetched again five minutes before it expires.</summary>
    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        await _tokenLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is not { } token || token.ExpiresOn - TimeSpan.FromMinutes(5) < _access.Time.GetUtcNow())
            {
                try
                {
                    token = await _access.Credential.GetTokenAsync(new TokenRequestContext([new Uri(Endpoint, ".default").ToString()]), cancellationToken)
                        .ConfigureAwait(false);
                }
                catch (AuthenticationFailedException failure)
                {
                    throw ArmFaults.NoCredentials(Site, failure);
                }
                _token = token;
            }
            return token.Token;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    private Uri UriOf(string path, string apiVersion, string? filter = null)
    {
        var query = $"api-version={apiVersion}" + (filter is null ? "" : "&$filter=" + Uri.EscapeDataString(filter));
        return new Uri(Endpoint, path.TrimStart('/') + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
    }

    private static JsonNode? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static Uri? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && Uri.TryCreate(values.FirstOrDefault(), UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>Retry-After as seconds or as an HTTP date.</summary>
    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retry)
        {
            return null;
        }
        if (retry.Delta is { } delta)
        {
            return delta;
        }
        return retry.Date is { } date ? TimeSpan.FromTicks(Math.Max(0, (date - _access.Time.GetUtcNow()).Ticks)) : null;
    }

    public void Dispose()
    {
        _http.Dispose();
        _tokenLock.Dispose();
    }
}
