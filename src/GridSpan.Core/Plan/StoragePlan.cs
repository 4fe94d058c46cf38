using System.Collections.Immutable;
using System.Net;

namespace GridSpan.Plan;

/// <summary>The shares the master exports and every other node mounts.</summary>
public sealed record StoragePlan(string Server, IPAddress ServerAddress, ImmutableArray<ExportPlan> Exports);

/// <param name="Clients">Ranges allowed to mount: every site subnet and the overlay.</param>
public sealed record ExportPlan(string Path, ImmutableArray<IPNetwork> Clients);
