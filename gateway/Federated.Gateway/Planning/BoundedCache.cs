using System.Collections.Concurrent;

namespace Federated.Gateway.Planning;

/// <summary>
/// A bounded cache with approximate LRU eviction: two generations; a hit in the old one is
/// promoted, and when the new one fills up the old one is dropped whole. O(1), lock-free reads.
/// </summary>
public sealed class BoundedCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly int _generationSize = Math.Max(1, capacity / 2);
    private readonly object _rotate = new();
    private ConcurrentDictionary<TKey, TValue> _current = new();
    private ConcurrentDictionary<TKey, TValue> _previous = new();

    public int Count => _current.Count + _previous.Count;

    public TValue GetOrAdd(TKey key, Func<TKey, TValue> factory)
    {
        if (_current.TryGetValue(key, out var value))
            return value;
        if (!_previous.TryGetValue(key, out value))
            value = factory(key);
        if (_current.Count >= _generationSize)
        {
            lock (_rotate)
            {
                if (_current.Count >= _generationSize)
                {
                    _previous = _current;
                    _current = new ConcurrentDictionary<TKey, TValue>();
                }
            }
        }
        return _current.GetOrAdd(key, value);
    }
}
