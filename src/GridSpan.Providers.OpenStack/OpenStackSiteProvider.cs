using System.Collections.Immutable;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Compute;
using GridSpan.Providers.OpenStack.Http;
using GridSpan.Providers.OpenStack.Images;
using GridSpan.Providers.OpenStack.Master;
using GridSpan.Providers.OpenStack.Networking;
using GridSpan.Providers.OpenStack.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack;

/// <summary>
/// One OpenStack site of one cluster. Everything it creates carries the tag `gridspan:&lt;cluster&gt;`
/// (Nova server tags, Neutron tags) except key pairs, which Nova cannot tag: they are named
/// `gridspan_&lt;cluster&gt;_&lt;name&gt;` (Nova allows only letters, digits, _, - and space) and found by that prefix. Key pairs belong to the user, not
/// the project, so another user of the same project does not see them.
/// Creates are idempotent by name within the cluster: re-running after a failure reuses what exists.
/// </summary>
public sealed partial class OpenStackSiteProvider : ISiteProvider
{
    private readonly string _site;
    private readonly OpenStackSiteSettings _settings;
    private readonly Lazy<Task<OpenStackSession>> _session;
    private readonly MasterCredentialIssuer _masterCredentials;
    private readonly SemaphoreSlim _cacheLock = new(1, 1);
    private ImmutableArray<GlanceImage>? _images;
    private ImmutableArray<NovaFlavor>? _flavors;
    private ImmutableArray<string>? _extraSecurityGroups;
    private NeutronResource? _externalNetwork;
    private bool _externalNetworkResolved;

    internal OpenStackSiteProvider(string site, OpenStackSiteSettings settings, CloudConfig cloud, HttpMessageHandler? handler, RetrySettings retry,
        IssuedMasterCredentials? issued = null)
    {
        _site = site;
        _settings = settings;
        _masterCredentials = new MasterCredentialIssuer(issued ?? new IssuedMasterCredentials());
        _session = new Lazy<Task<OpenStackSession>>(() => OpenStackSession.OpenAsync(site, cloud, handler, retry, CancellationToken.None));
    }

    /// <summary>How long <see cref="DeleteAsync"/> waits for a server to disappear.</summary>
    public TimeSpan ServerDeleteTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often <see cref="DeleteAsync"/> asks whether a deleted server is gone.</summary>
    public TimeSpan ServerDeletePoll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock the waits run on (tests advance a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal static OpenStackSiteProvider Connect(SiteConnection connection, CloudsFileLocator locator, IssuedMasterCredentials issued)
    {
        var settings = connection.Site.Settings as OpenStackSiteSettings
            ?? throw new ArgumentException($"site '{connection.Site.Name}' is not an OpenStack site", nameof(connection));
        var cloud = CloudsFile.Load(locator, settings.Cloud);
        return new OpenStackSiteProvider(connection.Site.Name, settings, cloud, null, RetrySettings.Default, issued);
    }

    /// <summary>Connects to a cloud entry directly (tests, benchmarks, `check`).</summary>
    public static OpenStackSiteProvider Connect(string site, OpenStackSiteSettings settings, CloudConfig cloud, RetrySettings? retry = null) =>
        new(site, settings, cloud, null, retry ?? RetrySettings.Default);

    internal Task<OpenStackSession> SessionAsync() => _session.Value;

    public static string KeyPairPrefix(string clusterId) => $"gridspan_{clusterId}_";

    /// <summary>
    /// A clouds.yaml for the master (/etc/gridspan/openstack/&lt;entry&gt;.yaml) with an application
    /// credential of this site's project, named after the cluster: the one issued before while Keystone
    /// still has it (the same text), else a new one. Sites of one entry share the file and the credential.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> MasterCredentialsAsync(
        string clusterId, IReadOnlyDictionary<string, string> issuedBefore, CancellationToken cancellationToken)
    {
        var session = await _session.Value.ConfigureAwait(false);
        var (path, content) = await _masterCredentials.IssueAsync(session, clusterId, issuedBefore, cancellationToken).ConfigureAwait(false);
        return new Dictionary<string, string>(StringComparer.Ordinal) { [path] = content };
    }

    /// <summary>Deletes the cluster's application credential of this site's entry; none is fine.</summary>
    public async Task RevokeMasterCredentialsAsync(string clusterId, CancellationToken cancellationToken)
    {
        var session = await _session.Value.ConfigureAwait(false);
        await _masterCredentials.RevokeAsync(session, clusterId, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_session.IsValueCreated && _session.Value.IsCompletedSuccessfully)
        {
            (await _session.Value.ConfigureAwait(false)).Dispose();
        }
        _cacheLock.Dispose();
    }
}
