using GridSpan.Configure;

namespace GridSpan.Core.Tests.Configure;

/// <summary>Keeps every progress event, in order, as reported (synchronously, unlike Progress&lt;T&gt;).</summary>
internal sealed class RecordingProgress : IProgress<ConvergeStep>
{
    private readonly List<ConvergeStep> _steps = [];

    public IReadOnlyList<ConvergeStep> Steps
    {
        get
        {
            lock (_steps)
            {
                return [.. _steps];
            }
        }
    }

    public void Report(ConvergeStep value)
    {
        lock (_steps)
        {
            _steps.Add(value);
        }
    }
}
