namespace GridSpan.Doctor;

/// <summary>One item of the checklist an admin walks through when a cluster does not work.</summary>
public interface IDoctorCheck
{
    /// <summary>The short name findings carry (e.g. "firewall").</summary>
    string Name { get; }

    /// <summary>What the check looks at, one line, for `--help` and progress.</summary>
    string Description { get; }

    Task<IReadOnlyList<DoctorFinding>> RunAsync(DoctorContext context, CancellationToken cancellationToken);
}
