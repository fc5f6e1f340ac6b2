/* A condition variable: a thread sets a flag under a mutex and signals;
 * main waits for the flag, then joins the thread. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;

static void *work(void *arg)
{
	pthread_mutex_lock(&lock);
	ready = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, work, NULL) != 0)
		return 2;
	pthread_mutex_lock(&lock);
	while (!ready)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	if (pthread_join(t, NULL) != 0)
		return 3;
	puts("ready");
	return 0;
}
