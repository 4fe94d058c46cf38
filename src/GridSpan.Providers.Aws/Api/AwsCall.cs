using Amazon.Runtime;

namespace GridSpan.Providers.Aws.Api;

/// <summary>
/// Every call GridSpan makes to AWS for one site goes through here: the SDK retries throttling and
/// 5xx answers itself (standard retry mode); what is left becomes a <see cref="Common.GridSpanException"/>
/// naming the call and quoting AWS (<see cref="AwsFaults"/>). IAM, which GridSpan speaks without the SDK,
/// gets the same: what <see cref="AwsFaults"/> calls transient is tried again here.
/// </summary>
internal sealed class AwsCall(string site, TimeProvider? time = null)
{
    /// <summary>How IAM calls are tried again while AWS throttles them or does not answer.</summary>
    private static readonly TimeSpan IamRetryInterval = TimeSpan.FromSeconds(1), IamRetryTimeout = TimeSpan.FromSeconds(30);

    public string Site => site;

    /// <param name="service">The service as users know it (EC2, STS, IAM).</param>
    /// <param name="what">What GridSpan was doing, completing "EC2 refused to ...".</param>
    public async Task<T> RunAsync<T>(string service, string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException failure) when (failure.InnerException is HttpRequestException)
        {
            throw AwsFaults.Unanswered(site, service, what, failure);
        }
        catch (AmazonServiceException failure)
        {
            throw AwsFaults.Refused(site, service, what, failure);
        }
        catch (HttpRequestException failure)
        {
            throw AwsFaults.Unanswered(site, service, what, failure);
        }
        catch (TaskCanceledException failure) when (!cancellationToken.IsCancellationRequested)
        {
            throw AwsFaults.Unanswered(site, service, what, failure);
        }
        catch (AmazonClientException failure)
        {
            throw AwsFaults.NotCalled(site, service, what, failure);
        }
    }

    public Task<T> Ec2Async<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync("EC2", what, call, cancellationToken);

    public Task<T> IamAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        Common.Wait.RetryTransientAsync(token => RunAsync("IAM", what, call, token), IamRetryInterval, IamRetryTimeout, time ?? TimeProvider.System,
            cancellationToken);

    /// <summary>An EC2 call whose resource may be gone: null then, instead of an error.</summary>
    public Task<T?> Ec2UnlessGoneAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) where T : class =>
        UnlessGoneAsync("EC2", what, call, cancellationToken);

    /// <summary>An IAM call whose entity may be gone: null then, instead of an error.</summary>
    public Task<T?> IamUnlessGoneAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) where T : class =>
        Common.Wait.RetryTransientAsync(token => UnlessGoneAsync("IAM", what, call, token), IamRetryInterval, IamRetryTimeout, time ?? TimeProvider.System,
            cancellationToken);

    private async Task<T?> UnlessGoneAsync<T>(string service, string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(call);
        return await RunAsync(service, what, async token =>
        {
            try
            {
                return await call(token).ConfigureAwait(false);
            }
            catch (AmazonServiceException failure) when (AwsFaults.IsGone(failure))
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
