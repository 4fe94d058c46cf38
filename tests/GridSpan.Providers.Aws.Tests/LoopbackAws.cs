using System.Net;
using System.Text;
using Amazon.Runtime;
using GridSpan.Providers.Aws.Api;

namespace GridSpan.Providers.Aws.Tests;

/// <summary>
/// An AWS endpoint on 127.0.0.1 whose answers the test writes, in AWS's own XML and HTTP status, for what moto
/// cannot do: refuse for capacity or limits, throttle. Every request's form body is kept.
/// </summary>
internal sealed class LoopbackAws : IAsyncDisposable
{
    private readonly Testing.LoopbackListener _listener;
    private readonly Func<string, (HttpStatusCode Status, string Body)> _answer;
    private readonly List<(string Body, string? Authorization)> _requests = [];

    public LoopbackAws(Func<string, (HttpStatusCode Status, string Body)> answer)
    {
        _answer = answer;
        _listener = new Testing.LoopbackListener(AnswerAsync);
    }

    public Uri Url => _listener.Url;

    public AwsEndpoint Endpoint => new(Url, new BasicAWSCredentials("testing", "testing"));

    /// <summary>The form bodies received so far.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests.Select(r => r.Body)];
            }
        }
    }

    /// <summary>The Authorization headers received so far.</summary>
    public IReadOnlyList<string?> Authorizations
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests.Select(r => r.Authorization)];
            }
        }
    }

    /// <summary>AWS's error document of the Query APIs (EC2 wraps it in `Response/Errors`, IAM in `ErrorResponse`; the SDK and GridSpan read both).</summary>
    public static string Error(string code, string message) =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>" +
        "<RequestID>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestID></Response>";

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        lock (_requests)
        {
            _requests.Add((body, context.Request.Headers["Authorization"]));
        }
        var (status, answer) = _answer(body);
        var bytes = Encoding.UTF8.GetBytes(answer);
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "text/xml;charset=UTF-8";
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
