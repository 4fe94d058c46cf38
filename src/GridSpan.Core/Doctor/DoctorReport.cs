using System.Collections.Immutable;

namespace GridSpan.Doctor;

/// <summary>Every finding of a run of the doctor, in the order the checks ran.</summary>
public sealed record DoctorReport(string Cluster, ImmutableArray<DoctorFinding> Findings)
{
    public bool Passed => Findings.All(f => f.Passed);

    public ImmutableArray<DoctorFinding> Failures => [.. Findings.Where(f => !f.Passed)];
}
