using System.Collections.Immutable;
using GridSpan.Config;
using GridSpan.Plan;

namespace GridSpan.Provision;

/// <summary>
/// A provider that can tell, before anything is created, whether its sites can hold the cluster
/// (credentials, images, flavors, networks, quotas). `gridspan check` asks every provider that has one.
/// </summary>
public interface IPreflightCheck
{
    /// <summary>
    /// Every finding for this provider's sites of the cluster (those whose `provider:` is its name), problems and
    /// confirmations alike. <paramref name="runner"/> runs what the check needs on this machine (the CLI's own).
    /// </summary>
    Task<ImmutableArray<CheckFinding>> CheckAsync(ClusterSpec spec, ClusterPlan plan, Common.ICommandRunner runner, CancellationToken cancellationToken);
}

/// <summary>One result of `gridspan check`: something confirmed, or a problem with what to do about it.</summary>
public sealed record CheckFinding(string Site, bool Ok, string Text, string? Fix = null)
{
    public override string ToString() => $"site '{Site}': {(Ok ? "ok" : "problem")}: {Text}" + (Fix is null ? "" : $" ({Fix})");

    /// <summary>A provider's failure as a problem of the site, without the "site '…': " its message starts with.</summary>
    public static CheckFinding Problem(string site, Common.GridSpanException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var prefix = $"site '{site}': ";
        var text = failure.Message.StartsWith(prefix, StringComparison.Ordinal) ? failure.Message[prefix.Length..] : failure.Message;
        return new CheckFinding(site, false, text, failure.Fix);
    }
}
