using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GridSpan.Testing.FakeArm;

/// <summary>
/// An Azure Resource Manager on 127.0.0.1 that follows ARM's documented REST API for what GridSpan uses: resource groups,
/// generic PUT/GET/DELETE of resources by id with `api-version`, child resources (subnets, routes), long-running operations
/// (201/202 with Azure-AsyncOperation or Location, Retry-After, terminal Succeeded/Failed/Canceled), ARM's error bodies,
/// listing by tag, resource SKUs, compute usages, marketplace image versions, boot diagnostics, role assignments.
/// Tests steer what a real ARM does only sometimes: throttling, 5xx, operations that fail, quotas, refused role assignments.
/// Every request must carry a bearer token.
/// </summary>
public sealed partial class FakeArm : IAsyncDisposable
{
    private readonly LoopbackListener _listener;
    private readonly object _lock = new();
    private readonly Dictionary<string, JsonObject> _resources = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private int _throttled, _unavailable;

    public FakeArm(string subscription = "00000000-0000-4000-8000-0000000000a1")
    {
        Subscription = subscription;
        // Each request on a task of its own: ARM answers calls side by side (servers created in parallel).
        _listener = new LoopbackListener(context =>
        {
            _ = Task.Run(() => AnswerAsync(context));
            return Task.CompletedTask;
        });
    }

    public Uri Url => _listener.Url;

    public string Subscription { get; }

    /// <summary>How many polls a long-running operation answers InProgress before it ends.</summary>
    public int PollsUntilDone { get; set; } = 2;

    /// <summary>Resources ("virtualMachines/w-1") whose create operation ends Failed (after <see cref="PollsUntilDone"/> polls), with ARM's error code.</summary>
    public ConcurrentDictionary<string, string> FailingCreates { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When true, a role assignment is refused as ARM refuses a caller without Microsoft.Authorization/roleAssignments/write.</summary>
    public bool RefuseRoleAssignments { get; set; }

    /// <summary>"METHOD path" of every request received, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>The next <paramref name="count"/> requests are throttled: 429 with Retry-After.</summary>
    public void Throttle(int count) => Interlocked.Exchange(ref _throttled, count);

    /// <summary>The next <paramref name="count"/> requests get 503 without Retry-After.</summary>
    public void BeUnavailable(int count) => Interlocked.Exchange(ref _unavailable, count);

    /// <summary>A resource as ARM holds it (a copy), or null.</summary>
    public JsonObject? Resource(string id)
    {
        lock (_lock)
        {
            return _resources.TryGetValue(id, out var resource) ? (JsonObject)resource.DeepClone() : null;
        }
    }

    /// <summary>Ids of every resource and resource group held.</summary>
    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_lock)
            {
                return [.. _resources.Keys];
            }
        }
    }

    private sealed class Operation(string resourceId, int polls, string? failure)
    {
        public string ResourceId { get; } = resourceId;

        public int Polls { get; set; } = polls;

        public string? Failure { get; } = failure;

        public string Status => Polls > 0 ? "InProgress" : Failure is null ? "Succeeded" : "Failed";
    }

    private sealed record Reply(HttpStatusCode Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null, string? Text = null);

    private static Reply Error(HttpStatusCode status, string code, string message) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath.TrimEnd('/');
        _requests.Enqueue($"{request.HttpMethod} {path}");
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        Reply reply;
        try
        {
            reply = Route(request.HttpMethod, path, request.QueryString, request.Headers["Authorization"], text.Length == 0 ? null : JsonNode.Parse(text));
        }
        catch (Exception failure) when (failure is System.Text.Json.JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            reply = Error(HttpStatusCode.BadRequest, "InvalidRequestContent", $"The request content was invalid and could not be deserialized: {failure.Message}");
        }
        context.Response.StatusCode = (int)reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }
        var bytes = Encoding.UTF8.GetBytes(reply.Text ?? reply.Body?.ToJsonString() ?? "");
        context.Response.ContentType = reply.Text is null ? "application/json; charset=utf-8" : "text/plain";
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private Reply Route(string method, string path, System.Collections.Specialized.NameValueCollection query, string? authorization, JsonNode? body)
    {
        var segments = path.Trim('/').Split('/');
        if (segments[0] == "blobs")
        {
            return ConsoleLog(segments[1]);
        }
        if (authorization?.StartsWith("Bearer ", StringComparison.Ordinal) != true)
        {
            return Error(HttpStatusCode.Unauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }
        if (Interlocked.Decrement(ref _throttled) >= 0)
        {
            return new Reply((HttpStatusCode)429,
                new JsonObject { ["error"] = new JsonObject { ["code"] = "TooManyRequests", ["message"] = "The request is being throttled." } },
                new Dictionary<string, string> { ["Retry-After"] = "1" });
        }
        if (Interlocked.Decrement(ref _unavailable) >= 0)
        {
            return Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "The service is temporarily unavailable.");
        }
        if (query["api-version"] is null && segments[0] != "operations" && segments[0] != "operationresults")
        {
            return Error(HttpStatusCode.BadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
        }
        lock (_lock)
        {
            return segments switch
            {
                ["operations", var id] => PollAsyncOperation(id),
                ["operationresults", var id] => PollLocation(id),
                ["subscriptions", var sub, ..] when !string.Equals(sub, Subscription, StringComparison.OrdinalIgnoreCase) =>
                    Error(HttpStatusCode.NotFound, "SubscriptionNotFound", $"The subscription '{sub}' could not be found."),
                ["subscriptions", _] => Ok(new JsonObject { ["id"] = $"/subscriptions/{Subscription}", ["subscriptionId"] = Subscription,
                    ["displayName"] = "GridSpan tests", ["state"] = "Enabled" }),
                ["subscriptions", _, "resources"] => List(null, query["$filter"]),
                ["subscriptions", _, "providers", "Microsoft.Compute", ..] => Compute(segments[4..], query),
                ["subscriptions", _, "resourceGroups", var group] => ResourceGroup(method, group, body),
                ["subscriptions", _, "resourceGroups", var group, "resources"] => List(group, query["$filter"]),
                ["subscriptions", _, "resourceGroups", var group, "providers", "Microsoft.Authorization", "roleAssignments", var name] =>
                    RoleAssignment(method, $"/subscriptions/{Subscription}/resourceGroups/{group}", name, body),
                ["subscriptions", _, "resourceGroups", _, "providers", _, _, _, var action] when method == "POST" =>
                    Action(IdOf(segments[..8]), action, query),
                ["subscriptions", _, "resourceGroups", var group, "providers", _, _, _, ..] => Resource(method, group, segments, query, body),
                _ => Error(HttpStatusCode.NotFound, "InvalidResourceType", $"The resource type could not be found for '{path}'."),
            };
        }
    }

    private static Reply Ok(JsonNode body) => new(HttpStatusCode.OK, body);

    private static string IdOf(string[] segments) => "/" + string.Join('/', segments);

    /// <summary>Answers a PUT or DELETE as ARM does for a long-running operation: 201/202 and Azure-AsyncOperation to poll.</summary>
    private Reply Started(HttpStatusCode status, JsonNode? body, string resourceId, string? failure = null)
    {
        var id = Guid.NewGuid().ToString("N");
        _operations[id] = new Operation(resourceId, PollsUntilDone, failure);
        return new Reply(status, body, new Dictionary<string, string>
        {
            ["Azure-AsyncOperation"] = new Uri(Url, $"operations/{id}").ToString(),
            ["Retry-After"] = "0",
        });
    }

    private Reply PollAsyncOperation(string id)
    {
        if (!_operations.TryGetValue(id, out var operation))
        {
            return Error(HttpStatusCode.NotFound, "OperationNotFound", $"The operation '{id}' could not be found.");
        }
        Advance(operation);
        var status = new JsonObject { ["name"] = id, ["status"] = operation.Status };
        if (operation.Status == "Failed")
        {
            status["error"] = new JsonObject { ["code"] = operation.Failure, ["message"] = FailureMessage(operation.Failure!) };
        }
        return new Reply(HttpStatusCode.OK, status, new Dictionary<string, string> { ["Retry-After"] = "0" });
    }

    /// <summary>A Location poll: 202 while running, then 200 (ARM's form for deleting a resource group).</summary>
    private Reply PollLocation(string id)
    {
        if (!_operations.TryGetValue(id, out var operation))
        {
            return Error(HttpStatusCode.NotFound, "OperationNotFound", $"The operation '{id}' could not be found.");
        }
        Advance(operation);
        return operation.Status == "InProgress"
            ? new Reply(HttpStatusCode.Accepted, null, new Dictionary<string, string> { ["Location"] = new Uri(Url, $"operationresults/{id}").ToString(), ["Retry-After"] = "0" })
            : new Reply(HttpStatusCode.OK, null);
    }

    /// <summary>One poll of an operation (or a GET of its resource) moves it on; at its end the resource's state follows.</summary>
    private void Advance(Operation operation)
    {
        if (operation.Polls <= 0)
        {
            return;
        }
        operation.Polls--;
        if (operation.Polls == 0 && _resources.TryGetValue(operation.ResourceId, out var resource) && resource["properties"] is JsonObject properties)
        {
            properties["provisioningState"] = operation.Failure is null ? "Succeeded" : "Failed";
        }
    }

    private static string FailureMessage(string code) => code switch
    {
        "AllocationFailed" => "Allocation failed. We do not have sufficient capacity for the requested VM size in this region.",
        _ => "An internal execution error occurred. Please retry later.",
    };

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
