using System.Net;
using System.Text.Json;

namespace GridSpan.Providers.OpenStack.Http;

/// <summary>A successful answer of an OpenStack API: its status, JSON body (when it had one) and the headers GridSpan reads.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, JsonElement? Body, string? SubjectToken);
