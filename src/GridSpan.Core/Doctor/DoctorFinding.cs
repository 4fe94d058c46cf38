namespace GridSpan.Doctor;

/// <summary>One result of one check: on what, whether it passed, what was seen, and what to do when it did not pass.</summary>
/// <param name="Check">The check's name (firewall, sysctl, mtu, ssh, names, ports, munge, clock, vpn, shares, slurm, reach).</param>
/// <param name="Subject">What was checked: a node, a pair of nodes ("a → b"), or the cluster.</param>
/// <param name="Evidence">What the node answered, quoted, so the finding can be verified by hand.</param>
/// <param name="Fix">What to do; null when the check passed.</param>
public sealed record DoctorFinding(string Check, string Subject, bool Passed, string Evidence, string? Fix)
{
    public static DoctorFinding Pass(string check, string subject, string evidence) => new(check, subject, true, evidence, null);

    public static DoctorFinding Fail(string check, string subject, string evidence, string fix) => new(check, subject, false, evidence, fix);
}
