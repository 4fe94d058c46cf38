using GridSpan.Common;
using GridSpan.Providers.OpenStack.Clouds;

namespace GridSpan.Providers.OpenStack.Master;

/// <summary>
/// Issues the cluster's master a Keystone application credential for one cloud entry, and revokes it.
/// The credential is restricted (it cannot make credentials or trusts itself) but has the user's roles
/// in the whole project: Keystone cannot limit it to the cluster's own servers and ports.
/// It is named `gridspan-&lt;cluster&gt;@&lt;entry&gt;`: names are unique per user, and two entries of
/// one cluster may log in as the same user (two regions, two projects).
/// </summary>
internal sealed class MasterCredentialIssuer(IssuedMasterCredentials issued)
{
    public static string CredentialName(string clusterId, string cloudName) => $"gridspan-{clusterId}@{cloudName}";

    /// <summary>The entry's file for the master: the one issued before while its credential exists, else a new credential's.</summary>
    public async Task<(string Path, string Content)> IssueAsync(
        OpenStackSession session, string clusterId, IReadOnlyDictionary<string, string> issuedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(issuedBefore);
        var cloud = session.Cloud;
        var path = MasterCloudsFile.PathFor(cloud.Name);
        var name = CredentialName(clusterId, cloud.Name);
        await issued.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var candidates = new[] { issued.Find(clusterId, path), issuedBefore.TryGetValue(path, out var before) ? before : null };
            foreach (var candidate in candidates.OfType<string>().Distinct(StringComparer.Ordinal))
            {
                if (await StillValidAsync(session, path, candidate, name, cancellationToken).ConfigureAwait(false) is { } reused)
                {
                    var content = MasterCloudsFile.Render(cloud, clusterId, reused.Id, reused.Secret);
                    issued.Remember(clusterId, path, content);
                    return (path, content);
                }
            }
            await DeleteNamedAsync(session, name, cancellationToken).ConfigureAwait(false);
            var created = await session.Keystone.CreateApplicationCredentialAsync(session.UserId, name,
                $"The master of GridSpan cluster {clusterId} creates and deletes the cluster's on-demand nodes with it. `gridspan terminate` revokes it.",
                ForbiddenFix(cloud), cancellationToken).ConfigureAwait(false);
            var fresh = MasterCloudsFile.Render(cloud, clusterId, created.Id, created.Secret);
            issued.Remember(clusterId, path, fresh);
            return (path, fresh);
        }
        finally
        {
            issued.Lock.Release();
        }
    }

    /// <summary>Deletes the cluster's credential of this entry; nothing to delete is fine.</summary>
    public async Task RevokeAsync(OpenStackSession session, string clusterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await issued.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await DeleteNamedAsync(session, CredentialName(clusterId, session.Cloud.Name), cancellationToken).ConfigureAwait(false);
            issued.Forget(clusterId, MasterCloudsFile.PathFor(session.Cloud.Name));
        }
        finally
        {
            issued.Lock.Release();
        }
    }

    private static async Task DeleteNamedAsync(OpenStackSession session, string name, CancellationToken cancellationToken)
    {
        foreach (var stale in await session.Keystone.FindApplicationCredentialsAsync(session.UserId, name, cancellationToken).ConfigureAwait(false))
        {
            await session.Keystone.DeleteApplicationCredentialAsync(session.UserId, stale.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The id and secret of a file issued before, when Keystone still has that credential for this user, name and project.</summary>
    private static async Task<(string Id, string Secret)?> StillValidAsync(
        OpenStackSession session, string path, string content, string name, CancellationToken cancellationToken)
    {
        CloudConfig before;
        try
        {
            before = CloudsFile.Parse(session.Cloud.Name, path, content, null);
        }
        catch (GridSpanException)
        {
            return null; // not a file this provider wrote: replace it
        }
        if (before.Method != AuthMethod.ApplicationCredential
            || before.Credentials.ApplicationCredentialId is not { } id
            || before.Credentials.ApplicationCredentialSecret is not { } secret)
        {
            return null;
        }
        var existing = await session.Keystone.GetApplicationCredentialAsync(session.UserId, id, cancellationToken).ConfigureAwait(false);
        return existing is not null && existing.Name == name && (existing.ProjectId is null || existing.ProjectId == session.ProjectId)
            ? (id, secret)
            : null;
    }

    private static string ForbiddenFix(CloudConfig cloud) => cloud.Method == AuthMethod.ApplicationCredential
        ? $"{cloud.Name} logs in with an application credential, which may create another only when it is unrestricted: log in with a password, or create that credential with --unrestricted"
        : "Keystone's policy does not let your role create application credentials; ask the cloud's operators, or give this site no on-demand nodes";
}
