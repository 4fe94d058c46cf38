using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;

namespace GridSpan.Providers.Aws.Iam;

/// <summary>
/// IAM's Query API over HTTP, signed with <see cref="SigV4"/> (the SDK's IAM package is not available). An error
/// answer is thrown as the SDK's <see cref="AmazonServiceException"/> with IAM's code and message, so
/// <see cref="Api.AwsCall"/> reports it the way it reports EC2's.
/// </summary>
internal sealed class IamClient(Uri endpoint, string signingRegion, Func<CancellationToken, Task<SigV4.Key>> credentials, TimeProvider time) : IDisposable
{
    private const string Version = "2010-05-08";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Uri Endpoint => endpoint;

    /// <summary>Calls <paramref name="action"/> and returns its `&lt;ActionResult&gt;` element (empty for actions that return nothing).</summary>
    public async Task<XElement> CallAsync(string action, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var body = string.Join('&', new[] { new KeyValuePair<string, string>("Action", action), new("Version", Version) }.Concat(parameters)
            .Select(p => $"{SigV4.Encode(p.Key)}={SigV4.Encode(p.Value)}"));
        const string FormType = "application/x-www-form-urlencoded; charset=utf-8";
        var key = await credentials(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(FormType);
        foreach (var (name, value) in SigV4.Sign("POST", endpoint, [new("Content-Type", FormType)], body, key, signingRegion, "iam", time.GetUtcNow()))
        {
            if (name != "Host")
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var document = Parse(text);
        if (!response.IsSuccessStatusCode)
        {
            var error = document?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            throw new AmazonServiceException(
                Child(error, "Message") ?? (text.Length > 0 ? text.Trim() : $"HTTP {(int)response.StatusCode}"),
                Child(error, "Type") == "Receiver" || (int)response.StatusCode >= 500 ? ErrorType.Receiver : ErrorType.Sender,
                Child(error, "Code") ?? $"HTTP {(int)response.StatusCode}",
                document?.Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value,
                response.StatusCode);
        }
        return document?.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result") ?? new XElement(action + "Result");
    }

    /// <summary>The text of the first descendant of <paramref name="element"/> with this local name (IAM answers in its own XML namespace).</summary>
    public static string? Child(XElement? element, string name) => element?.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static XDocument? Parse(string text)
    {
        try
        {
            return text.Length == 0 ? null : XDocument.Parse(text);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
