using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Compute;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Providers.OpenStack.Identity;
using GridSpan.Providers.OpenStack.Images;
using GridSpan.Providers.OpenStack.Networking;

namespace GridSpan.Providers.OpenStack;

/// <summary>An authenticated connection to one cloud entry: the token, and a typed client per service (from the catalog; Keystone at auth_url).</summary>
internal sealed class OpenStackSession : IDisposable
{
    private readonly ApiClient _api;
    private readonly KeystoneSession _keystone;

    private OpenStackSession(CloudConfig cloud, ApiClient api, KeystoneSession keystone, NovaClient nova, NeutronClient neutron, GlanceClient glance)
    {
        Keystone = new KeystoneClient(api, KeystoneClient.IdentityUrl(cloud.AuthUrl));
        Cloud = cloud;
        _api = api;
        _keystone = keystone;
        Nova = nova;
        Neutron = neutron;
        Glance = glance;
    }

    public CloudConfig Cloud { get; }

    public KeystoneClient Keystone { get; }

    public NovaClient Nova { get; }

    public NeutronClient Neutron { get; }

    public GlanceClient Glance { get; }

    public string ProjectId => _keystone.ProjectId;

    public string UserId => _keystone.UserId;

    public string Site => _api.Site;

    /// <summary>The current token, for tests that call Keystone directly. Never log it.</summary>
    internal ValueTask<string> TokenForTestsAsync(CancellationToken cancellationToken) => _keystone.TokenAsync(false, cancellationToken);

    /// <summary>Authenticates and finds the compute, network and image endpoints for the cloud's region and interface.</summary>
    public static async Task<OpenStackSession> OpenAsync(string site, CloudConfig cloud, HttpMessageHandler? handler, RetrySettings retry, CancellationToken cancellationToken)
    {
        var api = new ApiClient(site, handler ?? ApiClient.CreateHandler(cloud.VerifyTls), retry);
        try
        {
            var keystone = new KeystoneSession(cloud, api);
            await keystone.TokenAsync(false, cancellationToken).ConfigureAwait(false);
            var catalog = keystone.Catalog;
            Uri Endpoint(string type) => catalog.Find(site, type, cloud.Interface, cloud.RegionName);
            return new OpenStackSession(cloud, api, keystone,
                new NovaClient(api, Endpoint("compute")),
                new NeutronClient(api, Endpoint("network")),
                new GlanceClient(api, Endpoint("image")));
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _api.Dispose();
        _keystone.Dispose();
    }
}
