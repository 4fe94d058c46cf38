using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GridSpan.Cluster;

/// <summary>One IKE_SA of a connection as `swanctl --list-sas` shows it, with the states of its CHILD_SAs.</summary>
/// <param name="Connection">The connection's name (GridSpan names each tunnel's after the peer node).</param>
/// <param name="State">ESTABLISHED once IKE authenticated both ends; CONNECTING, REKEYING, ... otherwise.</param>
/// <param name="EstablishedSecondsAgo">When it was established, or null when not (yet).</param>
/// <param name="Children">Each CHILD_SA's state (INSTALLED when its ESP keys carry traffic) and mode, e.g. "INSTALLED, TUNNEL-in-UDP".</param>
public sealed record IpsecSa(string Connection, string State, long? EstablishedSecondsAgo, ImmutableArray<string> Children)
{
    /// <summary>The tunnel carries traffic: IKE established and a CHILD_SA installed.</summary>
    public bool IsUp => State == "ESTABLISHED" && Children.Any(c => c.StartsWith("INSTALLED", StringComparison.Ordinal));
}

/// <summary>Reads the IKE_SAs and CHILD_SAs out of `swanctl --list-sas`.</summary>
public static partial class IpsecSas
{
    public const string ListCommand = "swanctl --list-sas";

    public static ImmutableArray<IpsecSa> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var sas = new List<IpsecSa>();
        string? connection = null;
        string state = "";
        long? established = null;
        var children = new List<string>();
        void Flush()
        {
            if (connection is not null)
            {
                sas.Add(new IpsecSa(connection, state, established, [.. children]));
            }
        }
        foreach (var line in output.Split('\n'))
        {
            if (IkeLine().Match(line) is { Success: true } ike)
            {
                Flush();
                (connection, state, established) = (ike.Groups["name"].Value, ike.Groups["state"].Value, null);
                children.Clear();
            }
            else if (connection is null)
            {
                continue;
            }
            else if (ChildLine().Match(line) is { Success: true } child)
            {
                children.Add(child.Groups["state"].Value);
            }
            else if (EstablishedLine().Match(line) is { Success: true } age)
            {
                established = long.Parse(age.Groups["seconds"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }
        Flush();
        return [.. sas];
    }

    [GeneratedRegex(@"^(?<name>[^\s:]+): #\d+, (?<state>[A-Z_]+),")]
    private static partial Regex IkeLine();

    [GeneratedRegex(@"^  [^\s:]+: #\d+, reqid \d+, (?<state>[A-Z_]+, [A-Za-z_-]+)")]
    private static partial Regex ChildLine();

    [GeneratedRegex(@"^  established (?<seconds>\d+)s ago")]
    private static partial Regex EstablishedLine();
}
