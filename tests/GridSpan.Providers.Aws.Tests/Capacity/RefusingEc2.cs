using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using GridSpan.Providers.Aws.Api;

namespace GridSpan.Providers.Aws.Tests.Capacity;

/// <summary>
/// An EC2 endpoint on 127.0.0.1 that knows no instances and answers RunInstances with one error, in EC2's own
/// XML error format and HTTP status, so the SDK parses the refusal as it parses AWS's. moto cannot refuse for
/// capacity or limits.
/// </summary>
internal sealed class RefusingEc2 : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly string _code;
    private readonly string _message;
    private readonly HttpStatusCode _status;

    public RefusingEc2(string code, string message, HttpStatusCode status)
    {
        (_code, _message, _status) = (code, message, status);
        Url = new Uri($"http://127.0.0.1:{FreePort()}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Url { get; }

    public int RunInstancesCalls { get; private set; }

    public AwsEndpoint Endpoint => new(Url, new BasicAWSCredentials("testing", "testing"));

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception stopped) when (stopped is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            string answer;
            if (body.Contains("Action=RunInstances", StringComparison.Ordinal))
            {
                RunInstancesCalls++;
                context.Response.StatusCode = (int)_status;
                answer = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{_code}</Code><Message>{_message}</Message></Error></Errors>" +
                    "<RequestID>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestID></Response>";
            }
            else
            {
                answer = "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r-1</requestId><reservationSet/></DescribeInstancesResponse>";
            }
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.ContentType = "text/xml;charset=UTF-8";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
