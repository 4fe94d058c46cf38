using GridSpan.Configure;

namespace GridSpan.Elastic;

/// <summary>
/// Writes each finished converge step of a resumed node to the master's log, so its timestamps
/// show where a slow resume spent its time.
/// </summary>
internal sealed class ConvergeStepLog(ElasticLog log) : IProgress<ConvergeStep>
{
    private const int MaxDetail = 160;

    public void Report(ConvergeStep value)
    {
        if (value.Status == ConvergeStepStatus.Running || value.Step == ConvergeStepKind.Done)
        {
            return;
        }
        var detail = value.Detail.Length > MaxDetail ? value.Detail[..MaxDetail] + "…" : value.Detail;
        log.Write("resume", value.NodeName, $"converge {value.Step.ToString().ToLowerInvariant()} {value.Status.ToString().ToLowerInvariant()}: {detail}");
    }
}
